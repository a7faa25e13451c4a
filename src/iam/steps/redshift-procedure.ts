/** `CALL schema.procedure(...)`: one statement through `RedshiftDataOperator` (see redshift-data.ts). */
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const redshiftProcedureGrants: IamStepBuilder<"redshiftProcedure"> = (resolved, ctx) =>
  statementGrants(resolved, 1, ctx);
