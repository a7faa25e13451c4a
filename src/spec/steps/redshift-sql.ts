import { z } from "zod";
import { stepBase, templatedString } from "../common.js";

/** One or more SQL statements run in order on Redshift. */
export const redshiftSqlStep = z.strictObject({
  ...stepBase,
  kind: z.literal("redshiftSql"),
  sql: z.union([templatedString.min(1), z.array(templatedString.min(1)).min(1)]),
});

export type RedshiftSqlStep = z.output<typeof redshiftSqlStep>;
