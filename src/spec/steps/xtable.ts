import { z } from "zod";
import { awsRegion, duration, glueName, jinjaString, s3Uri, stepBase, templatedString } from "../common.js";

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
        warehouse: s3Uri.pipe(jinjaString),
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
    if (step.sourceFormat !== "DELTA")
      ctx.addIssue({
        code: "custom",
        path: ["sourceFormat"],
        message: `is ${step.sourceFormat}, but the XTable runner pipegen ships reads Delta tables only and refuses any other source; use sourceFormat: DELTA (translate from the Delta table), or run XTable yourself for a ${step.sourceFormat} source`,
      });
    if (step.glueCatalog) {
      // Iceberg's GlueCatalog refuses names with upper-case letters (Glue keeps names in lower case), so the sync would fail at run time.
      const lower = (name: string) => name.toLowerCase();
      if (step.glueCatalog.database && step.glueCatalog.database !== lower(step.glueCatalog.database))
        ctx.addIssue({
          code: "custom",
          path: ["glueCatalog", "database"],
          message: `has upper-case letters, which Iceberg's GlueCatalog refuses; write ${lower(step.glueCatalog.database)}`,
        });
      for (const [i, d] of step.datasets.entries()) {
        if (d.tableName !== lower(d.tableName))
          ctx.addIssue({
            code: "custom",
            path: ["datasets", i, "tableName"],
            message: `has upper-case letters, which Iceberg's GlueCatalog refuses when it registers the table; write ${lower(d.tableName)}`,
          });
        if (!step.glueCatalog.database && d.namespace && d.namespace !== lower(d.namespace))
          ctx.addIssue({
            code: "custom",
            path: ["datasets", i, "namespace"],
            message: `is the Glue database and has upper-case letters, which Iceberg's GlueCatalog refuses; write ${lower(d.namespace)}`,
          });
      }
    }
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

export type XTableDataset = XTableStep["datasets"][number];

/** XTable's namespace for a dataset, which is the Glue database its table is registered in: glueCatalog.database, else its own namespace. */
export function datasetNamespace(step: XTableStep, dataset: XTableDataset): string | undefined {
  return step.glueCatalog?.database ?? dataset.namespace;
}
