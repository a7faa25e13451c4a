/** `REFRESH MATERIALIZED VIEW`: one statement through `RedshiftDataOperator` (see redshift-data.ts). */
import type { RefreshMaterializedViewStep } from "../../spec/steps/index.js";
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const refreshMaterializedViewGrants: IamStepBuilder<RefreshMaterializedViewStep> = (step, ctx) =>
  statementGrants(step, 1, ctx);
