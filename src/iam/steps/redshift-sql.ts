/**
 * One or more statements through `RedshiftDataOperator` (see redshift-data.ts).
 * The renderer passes a list when there is more than one statement
 * (render/steps/redshift-statements.ts), which the hook sends with
 * BatchExecuteStatement.
 */
import type { RedshiftSqlStep } from "../../spec/steps/index.js";
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const redshiftSqlGrants: IamStepBuilder<RedshiftSqlStep> = (step, ctx) =>
  statementGrants(step, typeof step.sql === "string" ? 1 : step.sql.length, ctx);
