import { z } from "zod";
import { jinjaString, s3Uri, sqlIdentifier, stepBase, templatedString } from "../common.js";

/** UNLOAD a Redshift table or query to S3 (Amazon provider `RedshiftToS3Operator`). */
export const unloadStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal("unload"),
    schema: sqlIdentifier.default("public"),
    /** Table to unload; give either `table` or `query`. */
    table: sqlIdentifier.optional(),
    query: templatedString.min(1).optional(),
    /** Destination prefix, e.g. `s3://bucket/products/year=${YYYY}/`. */
    to: s3Uri.pipe(templatedString),
    /** UNLOAD options, e.g. `["FORMAT AS PARQUET", "ALLOWOVERWRITE"]`. */
    options: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^;]*$/, { message: "must not contain ';'" })
          .pipe(jinjaString),
      )
      .default([]),
    includeHeader: z.boolean().default(false),
    /** Run through the Redshift Data API. Defaults to true when the DAG's Redshift connection is a workgroup or cluster. */
    dataApi: z.boolean().optional(),
  })
  .refine((s) => (s.table === undefined) !== (s.query === undefined), {
    message: "give exactly one of `table` or `query`",
    path: ["table"],
  });

export type UnloadStep = z.output<typeof unloadStep>;
