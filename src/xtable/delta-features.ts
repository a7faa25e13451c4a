/**
 * Delta features that Apache XTable 0.4.0 (Delta Kernel source, the one
 * pipegen's runner uses) translates to Iceberg WRONGLY rather than failing,
 * because the Iceberg table XTable produces for them reads different data
 * than the Delta table.
 *
 * The runner enforces these rules itself on every path (the MWAA operator,
 * local and `s3://` tables): jars/src/main/java/pipegen/xtable/DeltaSafetyCheck.java
 * has the same rules and words. Here they give early feedback: `pipegen xtable
 * run` refuses a local table before a JVM starts, and `pipegen xtable verify`
 * reports the features. test/xtable/verify.test.ts and spark.test.ts prove that
 * both give the same features and details on every fixture; change both together.
 *
 * What each check is based on (XTable tag 0.4.0-incubating-rc2 sources):
 * - deletionVectors: the Delta Kernel source turns `add` actions into Iceberg
 *   data files and never reads their deletion vectors, so rows deleted by a
 *   vector come back in Iceberg (apache/incubator-xtable#339, #657).
 * - columnMapping: `DeltaKernelSchemaExtractor` reads only the
 *   `delta.columnMapping.id` of a field, never its physicalName, and
 *   `DeltaKernelPartitionExtractor` looks partition values up by the logical
 *   column name; with mode `name` or `id` the data files and partition values
 *   use physical names, so Iceberg reads nulls or wrong partitions.
 * - smallIntegers: `DeltaKernelSchemaExtractor` has no case for byte
 *   (TINYINT) or short (SMALLINT).
 * - generatedColumns: `DeltaKernelSchemaExtractor` filters out every field
 *   with `delta.generationExpression`, so the column disappears.
 * - unsupportedTypes: any other type without a case there (e.g. variant).
 * - escapedPaths: found by running XTable 0.4.0 here. `DeltaKernelActionsConverter
 *   .getFullPathToFile` joins the table path with the log's path without
 *   percent-decoding it, so a file under `region=north%20east/` (log path
 *   `region=north%2520east/…`) becomes an Iceberg data file that does not exist.
 * - timestampNtzStats: found by running XTable 0.4.0 on Spark-written tables.
 *   `DeltaValueConverter.convertFromDeltaColumnStatValue` parses a timestamp
 *   statistic with an offset, else with the pattern `yyyy-MM-dd HH:mm:ss`;
 *   Spark writes TIMESTAMP_NTZ statistics as `2024-03-10T01:30:00.654`
 *   (ISO, no zone), which neither accepts, so every sync of the table fails
 *   with a ParseException.
 * - timestampNtzHudi (HUDI targets only): found by reading XTable's Hudi
 *   output back with Spark's Hudi reader (hudi-spark3.5-bundle 0.15.0).
 *   XTable writes a TIMESTAMP_NTZ column into the Hudi schema as Avro
 *   `local-timestamp-micros`; the reader maps that to BIGINT and then fails on
 *   the file's Parquet timestamps ("Datatype not supported"), so no row of
 *   the table can be read. The runner refuses the same (jars/, HudiTarget).
 */
import { UnsupportedDeltaFeatureError, type UnsupportedFeature } from "./errors.js";
import { type DeltaSnapshot, readDeltaSnapshot } from "./verify/delta-log.js";
import { primitiveTypes, walkFields } from "./verify/delta-schema.js";
import { displayPath } from "./verify/paths.js";
import { icebergPrimitiveFor } from "./verify/type-mapping.js";

export type { UnsupportedFeature } from "./errors.js";

/** Feature ids, in the order they are reported. */
export const DELTA_FEATURE_CHECKS = [
  "deletionVectors",
  "columnMapping",
  "smallIntegers",
  "generatedColumns",
  "unsupportedTypes",
  "timestampNtzStats",
  "timestampNtzHudi",
  "escapedPaths",
] as const;

const GENERATION_EXPRESSION = "delta.generationExpression";

/**
 * Every feature of this Delta snapshot that XTable would mistranslate to any of
 * `targetFormats`; empty when it is safe to sync.
 */
export function detectUnsupportedFeatures(
  snapshot: DeltaSnapshot,
  targetFormats: readonly string[] = ["ICEBERG"],
): UnsupportedFeature[] {
  const found: UnsupportedFeature[] = [];
  const { protocol, metadata, schema, files } = snapshot;
  const example = (paths: readonly string[]) => {
    const shown = paths.slice(0, 2).map((p) => displayPath(snapshot.tablePath, p));
    return paths.length > 2 ? `${shown.join(", ")} and ${paths.length - 2} more` : shown.join(", ");
  };

  const dvEnabled = metadata.configuration["delta.enableDeletionVectors"]?.toLowerCase() === "true";
  const dvFeature =
    protocol.readerFeatures.includes("deletionVectors") || protocol.writerFeatures.includes("deletionVectors");
  const withDv = files.filter((f) => f.deletionVector).map((f) => f.path);
  if (dvEnabled || withDv.length > 0) {
    const parts: string[] = [];
    if (withDv.length > 0)
      parts.push(
        `${withDv.length} active data file${withDv.length === 1 ? " has" : "s have"} a deletion vector (${example(withDv)})`,
      );
    if (dvEnabled)
      parts.push(
        `deletion vectors are enabled (delta.enableDeletionVectors=true${dvFeature ? ", table feature deletionVectors" : ""}), so any Delta writer may delete rows with them`,
      );
    found.push({
      feature: "deletionVectors",
      detail:
        `${parts.join("; ")}. XTable ignores deletion vectors, so deleted rows reappear in Iceberg (apache/incubator-xtable#339). ` +
        `Set delta.enableDeletionVectors=false and rewrite the files that have them (REORG TABLE … APPLY (PURGE))`,
    });
  }

  const mode = metadata.configuration["delta.columnMapping.mode"]?.toLowerCase();
  if (mode && mode !== "none")
    found.push({
      feature: "columnMapping",
      detail: `column mapping mode '${mode}': XTable's Delta Kernel source ignores physical column names, so Iceberg would read the data files' columns and partition values by the wrong names`,
    });

  const small: string[] = [];
  const unsupported: string[] = [];
  const generated: string[] = [];
  for (const { path, field } of walkFields(schema)) {
    const expr = field.metadata[GENERATION_EXPRESSION];
    if (expr !== undefined) generated.push(`${path} (${String(expr)})`);
  }
  for (const field of schema.fields)
    for (const { path, name } of primitiveTypes(field.type, field.name)) {
      if (name === "byte" || name === "short") small.push(`${path} (${name === "byte" ? "TINYINT" : "SMALLINT"})`);
      else if (icebergPrimitiveFor(name) === null) unsupported.push(`${path} (${name})`);
    }
  if (small.length > 0)
    found.push({
      feature: "smallIntegers",
      detail: `column${small.length === 1 ? "" : "s"} ${small.join(", ")}: XTable's Delta schema extractor does not support TINYINT or SMALLINT; cast to INT`,
    });
  if (generated.length > 0)
    found.push({
      feature: "generatedColumns",
      detail: `generated column${generated.length === 1 ? "" : "s"} ${generated.join(", ")}: XTable drops generated columns from the Iceberg schema`,
    });
  if (unsupported.length > 0)
    found.push({
      feature: "unsupportedTypes",
      detail: `column${unsupported.length === 1 ? "" : "s"} ${unsupported.join(", ")}: no Iceberg type in XTable's mapping`,
    });

  const ntz = [...primitiveTypesOf(schema)].filter((p) => p.name === "timestamp_ntz").map((p) => p.path);
  const unparseable: string[] = [];
  for (const column of ntz)
    for (const f of files) {
      const value = [statAt(f.statsValues?.min, column), statAt(f.statsValues?.max, column)].find(
        (v) => typeof v === "string" && !XTABLE_PARSES_TIMESTAMP.test(v),
      );
      if (value !== undefined) {
        unparseable.push(`${column} (e.g. ${JSON.stringify(value)} in ${displayPath(snapshot.tablePath, f.path)})`);
        break;
      }
    }
  if (unparseable.length > 0)
    found.push({
      feature: "timestampNtzStats",
      detail:
        `the Delta statistics of the TIMESTAMP_NTZ column${unparseable.length === 1 ? "" : "s"} ${unparseable.join(", ")} have no zone, as Spark writes them; ` +
        `XTable 0.4.0 cannot parse them and every sync fails. Cast the column to TIMESTAMP, or recompute the statistics with a writer that records them as "yyyy-MM-dd HH:mm:ss" (delta-rs does)`,
    });

  if (targetFormats.includes("HUDI") && ntz.length > 0)
    found.push({
      feature: "timestampNtzHudi",
      detail:
        `the TIMESTAMP_NTZ column${ntz.length === 1 ? "" : "s"} ${ntz.join(", ")}: XTable writes TIMESTAMP_NTZ to Hudi as Avro local-timestamp-micros, ` +
        `which Hudi's Spark reader reads as BIGINT and then fails on, so the Hudi table could not be read. Cast to TIMESTAMP, or target ICEBERG only`,
    });

  // Quoted as the log holds them: that is what XTable copies into Iceberg.
  const escaped = files.filter((f) => f.logPath.includes("%")).map((f) => f.logPath);
  if (escaped.length > 0)
    found.push({
      feature: "escapedPaths",
      detail:
        `${escaped.length} active data file${escaped.length === 1 ? "" : "s"} ha${escaped.length === 1 ? "s" : "ve"} a percent-escaped path in the Delta log (${escaped.slice(0, 2).join(", ")}${escaped.length > 2 ? ` and ${escaped.length - 2} more` : ""}), ` +
        `typically from partition values with spaces or special characters: XTable 0.4.0 copies the log's encoded path into Iceberg without decoding it, so Iceberg points at files that do not exist`,
    });
  return found;
}

/**
 * What XTable 0.4.0's statistics parser accepts: an ISO timestamp with an
 * offset, or anything that starts with `yyyy-MM-dd HH:mm:ss`.
 */
const XTABLE_PARSES_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}.*)$/;

/** Every primitive of a schema with its dotted path (nested fields included). */
function* primitiveTypesOf(schema: DeltaSnapshot["schema"]) {
  for (const field of schema.fields) yield* primitiveTypes(field.type, field.name);
}

/** The statistic at a dotted column path in Delta's nested minValues/maxValues. */
function statAt(values: unknown, path: string): unknown {
  let v = values;
  for (const part of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/**
 * Reads the Delta table at `tablePath` and returns its snapshot, or throws
 * when XTable would mistranslate it.
 * @throws {UnsupportedDeltaFeatureError} naming the table and every such feature
 * @throws {DeltaTableError} when the path is not a readable Delta table
 */
export async function assertTranslatable(tablePath: string): Promise<DeltaSnapshot> {
  const snapshot = await readDeltaSnapshot(tablePath);
  const features = detectUnsupportedFeatures(snapshot);
  if (features.length > 0) throw new UnsupportedDeltaFeatureError(snapshot.tablePath, features);
  return snapshot;
}
