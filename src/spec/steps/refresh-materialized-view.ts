import { z } from "zod";
import { sqlIdentifier, stepBase } from "../common.js";

/** `REFRESH MATERIALIZED VIEW schema.view` on Redshift. */
export const refreshMaterializedViewStep = z.strictObject({
  ...stepBase,
  kind: z.literal("refreshMaterializedView"),
  view: sqlIdentifier,
  schema: sqlIdentifier.optional(),
});

export type RefreshMaterializedViewStep = z.output<typeof refreshMaterializedViewStep>;
