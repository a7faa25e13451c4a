/**
 * One or more statements through `RedshiftDataOperator` (see redshift-data.ts).
 * The renderer passes a list when there is more than one statement
 * (render/steps/redshift-statements.ts), which the hook sends with
 * BatchExecuteStatement.
 */
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const redshiftSqlGrants: IamStepBuilder<"redshiftSql"> = (resolved, ctx) =>
  statementGrants(resolved, typeof resolved.step.sql === "string" ? 1 : resolved.step.sql.length, ctx);
