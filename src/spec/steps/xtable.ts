import { z } from "zod";
import { awsRegion, duration, glueName, s3Uri, stepBase, templatedString } from "../common.js";

const tableFormat = z.enum(["DELTA", "ICEBERG", "HUDI"]);

/** A table path: an s3:// URI, or an absolute local path for the local harness. */
const tablePath = templatedString.refine((p) => p.startsWith("s3://") || p.startsWith("/"), {
  message: "must be an s3:// URI or an absolute path",
});

/** Translates table metadata with Apache XTable (pipegen's `XTableOperator`). */
export const xtableStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal("xtable"),
    sourceFormat: tableFormat.default("DELTA"),
    targetFormats: z.array(tableFormat).min(1),
    datasets: z
      .array(
        z.strictObject({
          tableBasePath: tablePath,
          tableDataPath: tablePath.optional(),
          tableName: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a table name (letters, digits, '_')" }),
          namespace: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { message: "must be a namespace (letters, digits, '_', '.')" })
            .optional(),
        }),
      )
      .min(1),
    /** Registers the Iceberg table in the AWS Glue Data Catalog. */
    glueCatalog: z
      .strictObject({
        /** Glue database that receives the tables; defaults to each dataset's namespace. */
        database: glueName.optional(),
        warehouse: s3Uri,
        region: awsRegion.optional(),
      })
      .optional(),
    /** JVM heap for the XTable child process, e.g. `2g`. */
    maxHeap: z
      .string()
      .regex(/^\d+[mg]$/, { message: "must be a JVM heap size such as 512m or 2g" })
      .default("2g"),
    syncTimeout: duration.optional(),
  })
  .superRefine((step, ctx) => {
    if (step.targetFormats.includes("HUDI"))
      ctx.addIssue({
        code: "custom",
        path: ["targetFormats"],
        message:
          "HUDI is not supported: pipegen's XTable runner translates to Iceberg only, because no independent reader available here (hudi-rs) can read the Hudi tables XTable 0.4.0 writes, so they are unproven; use targetFormats: [ICEBERG]",
      });
    if (step.targetFormats.includes(step.sourceFormat))
      ctx.addIssue({
        code: "custom",
        path: ["targetFormats"],
        message: `must not include the source format ${step.sourceFormat}`,
      });
    if (new Set(step.targetFormats).size !== step.targetFormats.length)
      ctx.addIssue({ code: "custom", path: ["targetFormats"], message: "lists a format twice" });
    if (step.glueCatalog && !step.targetFormats.includes("ICEBERG"))
      ctx.addIssue({
        code: "custom",
        path: ["glueCatalog"],
        message: "registers Iceberg tables, so targetFormats must include ICEBERG",
      });
    if (step.glueCatalog && !step.glueCatalog.database)
      for (const [i, d] of step.datasets.entries())
        if (!d.namespace)
          ctx.addIssue({
            code: "custom",
            path: ["datasets", i, "namespace"],
            message: "is needed as the Glue database when glueCatalog.database is not set",
          });
  });

export type XTableStep = z.output<typeof xtableStep>;
