import { z } from "zod";
import { sqlIdentifier, stepBase, templatedString } from "../common.js";

/** A literal argument of a stored procedure call. */
export const procedureArgument = z.union([templatedString, z.number().finite(), z.boolean(), z.null()]);

/** `CALL schema.procedure(args)` through the Redshift Data API. */
export const redshiftProcedureStep = z.strictObject({
  ...stepBase,
  kind: z.literal("redshiftProcedure"),
  procedure: sqlIdentifier,
  schema: sqlIdentifier.optional(),
  args: z.array(procedureArgument).default([]),
});

export type RedshiftProcedureStep = z.output<typeof redshiftProcedureStep>;
