/**
 * The YAML configs `pipegen xtable run` hands to the runner: XTable's
 * RunSync `datasetConfig` and `icebergCatalogConfig`, checked here the way
 * the runner checks them (jars/README.md, "Config files"), so bad input is
 * reported before a JVM starts. Also builds them from a spec's xtable step.
 */
import { readFile } from "node:fs/promises";
import YAML from "yaml";
import { z } from "zod";
import { xtableConfigs } from "../render/steps/xtable.js";
import type { XTableStep } from "../spec/steps/xtable.js";
import { describeIssue } from "../validate/messages.js";
import { XTableConfigError } from "./errors.js";

const nonEmpty = z.string().trim().min(1, { message: "must not be empty" });

/** `tableBasePath` and `tableDataPath`: absolute paths or URIs, as the runner requires. */
const tablePath = nonEmpty.refine((p) => p.startsWith("/") || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p), {
  message: "must be an absolute path or a URI such as s3://bucket/table",
});

export const datasetConfigSchema = z
  .strictObject({
    sourceFormat: z.literal("DELTA", { message: "must be DELTA (the runner reads Delta tables only)" }),
    targetFormats: z
      .array(z.enum(["ICEBERG", "HUDI"], { message: "must be ICEBERG or HUDI (the formats the runner writes)" }))
      .min(1, { message: "must list at least one format" }),
    datasets: z
      .array(
        z.strictObject({
          tableBasePath: tablePath,
          tableDataPath: tablePath.optional(),
          tableName: nonEmpty,
          namespace: nonEmpty.optional(),
          partitionSpec: z.string().optional(),
        }),
      )
      .min(1, { message: "must list at least one dataset" }),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    for (const [i, d] of config.datasets.entries()) {
      if (seen.has(d.tableName))
        ctx.addIssue({
          code: "custom",
          path: ["datasets", i, "tableName"],
          message: `${d.tableName} appears twice; table names must be unique`,
        });
      seen.add(d.tableName);
    }
    if (new Set(config.targetFormats).size !== config.targetFormats.length)
      ctx.addIssue({ code: "custom", path: ["targetFormats"], message: "lists a format twice" });
  });

export type DatasetConfig = z.output<typeof datasetConfigSchema>;

export const catalogConfigSchema = z.strictObject({
  catalogImpl: nonEmpty,
  catalogName: nonEmpty,
  catalogOptions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export type CatalogConfig = z.output<typeof catalogConfigSchema>;

/**
 * Reads and checks a YAML config file.
 * @throws {XTableConfigError} naming the file and every problem
 */
export async function loadConfigFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new XTableConfigError(`cannot read the ${what} ${file}: ${(error as Error).message}.`);
  }
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new XTableConfigError(`the ${what} ${file} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}.`);
  return checkConfig(doc.toJS(), schema, `the ${what} ${file}`);
}

/** Checks parsed config data; `where` names it in the error. */
export function checkConfig<T>(data: unknown, schema: z.ZodType<T>, where: string): T {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length ? i.path.join(".") : "(top level)"}: ${describeIssue(i).message}`,
  );
  throw new XTableConfigError(`${where} is invalid: ${problems.join("; ")}.`);
}

/** True for a path the harness can read on this machine (absolute, or a `file:` URI). */
export function isLocalPath(path: string): boolean {
  return path.startsWith("/") || path.startsWith("file:");
}

/**
 * The configs for one spec xtable step, exactly as the MWAA operator gets them.
 * @throws {XTableConfigError} when a path uses date placeholders or Jinja, which only resolve inside Airflow
 */
export function configsForStep(
  step: XTableStep,
  where: string,
): { dataset: DatasetConfig; catalog: CatalogConfig | undefined } {
  for (const [i, d] of step.datasets.entries())
    for (const [key, value] of [
      ["tableBasePath", d.tableBasePath],
      ["tableDataPath", d.tableDataPath],
    ] as const)
      if (value !== undefined && (value.includes("${") || value.includes("{{")))
        throw new XTableConfigError(
          `${where} datasets[${i}].${key} is ${JSON.stringify(value)}: placeholders and Jinja only resolve when Airflow runs the step, so pipegen xtable run needs literal paths; use --config with a dataset config instead.`,
        );
  const configs = xtableConfigs(step);
  const dataset = checkConfig(configs.dataset, datasetConfigSchema, where);
  const catalog = configs.catalog && checkConfig(configs.catalog, catalogConfigSchema, where);
  return { dataset, catalog };
}
