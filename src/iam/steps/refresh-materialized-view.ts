/** `REFRESH MATERIALIZED VIEW`: one statement through `RedshiftDataOperator` (see redshift-data.ts). */
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const refreshMaterializedViewGrants: IamStepBuilder<"refreshMaterializedView"> = (resolved, ctx) =>
  statementGrants(resolved, 1, ctx);
