/** `CALL schema.procedure(...)`: one statement through `RedshiftDataOperator` (see redshift-data.ts). */
import type { RedshiftProcedureStep } from "../../spec/steps/index.js";
import type { IamStepBuilder } from "../model.js";
import { statementGrants } from "./redshift-data.js";

export const redshiftProcedureGrants: IamStepBuilder<RedshiftProcedureStep> = (step, ctx) =>
  statementGrants(step, 1, ctx);
