import type { StepRenderer } from "../model.js";
import { qualified, redshiftStatements } from "./redshift-statements.js";

export const renderRefreshMaterializedView: StepRenderer<"refreshMaterializedView"> = (resolved, ctx) =>
  redshiftStatements(
    resolved,
    [`REFRESH MATERIALIZED VIEW ${qualified(resolved.step.view, resolved.step.schema)};`],
    ctx,
  );
