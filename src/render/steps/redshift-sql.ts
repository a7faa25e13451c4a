import type { RedshiftSqlStep } from "../../spec/steps/index.js";
import type { StepRenderer } from "../model.js";
import { redshiftStatements } from "./redshift-statements.js";

export const renderRedshiftSql: StepRenderer<RedshiftSqlStep> = (step, ctx) =>
  redshiftStatements(step, (typeof step.sql === "string" ? [step.sql] : step.sql).map(ctx.templated), ctx);
