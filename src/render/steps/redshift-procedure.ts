import type { StepRenderer } from "../model.js";
import { qualified, redshiftStatements, sqlString } from "./redshift-statements.js";

/** `CALL schema.procedure(args)`, with each argument as a SQL literal. */
export const renderRedshiftProcedure: StepRenderer<"redshiftProcedure"> = (resolved, ctx) => {
  const { step } = resolved;
  const args = step.args.map((a) =>
    a === null
      ? "NULL"
      : typeof a === "boolean"
        ? a
          ? "TRUE"
          : "FALSE"
        : typeof a === "number"
          ? String(a)
          : ctx.templated(sqlString(a)),
  );
  return redshiftStatements(resolved, [`CALL ${qualified(step.procedure, step.schema)}(${args.join(", ")});`], ctx);
};
