import type { RefreshMaterializedViewStep } from "../../spec/steps/index.js";
import type { StepRenderer } from "../model.js";
import { qualified, redshiftStatements } from "./redshift-statements.js";

export const renderRefreshMaterializedView: StepRenderer<RefreshMaterializedViewStep> = (step, ctx) =>
  redshiftStatements(step, [`REFRESH MATERIALIZED VIEW ${qualified(step.view, step.schema)};`], ctx);
