import type { StepRenderer } from "../model.js";
import { redshiftStatements } from "./redshift-statements.js";

export const renderRedshiftSql: StepRenderer<"redshiftSql"> = (resolved, ctx) => {
  const { sql } = resolved.step;
  return redshiftStatements(resolved, (typeof sql === "string" ? [sql] : sql).map(ctx.templated), ctx);
};
