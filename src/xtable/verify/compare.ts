/**
 * The checks of `pipegen xtable verify`: each compares one aspect of the
 * Delta table's current state with the Iceberg table's current snapshot and
 * returns the differences it finds, each a sentence naming what differs.
 */
import type { DeltaSnapshot } from "./delta-log.js";
import type { DeltaField, DeltaType } from "./delta-schema.js";
import type { IcebergField, IcebergTableState, IcebergType } from "./iceberg-metadata.js";
import { displayPath } from "./paths.js";
import { describeDelta, describeIceberg, icebergPrimitiveFor, normaliseIcebergPrimitive } from "./type-mapping.js";

/** Where XTable records which source commit an Iceberg table was synced from. */
export const XTABLE_METADATA = "XTABLE_METADATA";

/** The checks, in report order. */
export type CheckName =
  | "files"
  | "schema"
  | "partitionSpec"
  | "recordCount"
  | "columnBounds"
  | "sourceVersion"
  | "deltaFeatures";

export interface CheckResult {
  readonly check: CheckName;
  readonly ok: boolean;
  /** One line: what was compared (and the outcome). */
  readonly summary: string;
  readonly differences: readonly string[];
}

const result = (check: CheckName, summary: string, differences: string[]): CheckResult => ({
  check,
  ok: differences.length === 0,
  summary,
  differences,
});

/** The current snapshot's live data files are exactly the Delta table's active files. */
export function compareFiles(delta: DeltaSnapshot, iceberg: IcebergTableState): CheckResult {
  const root = delta.tablePath;
  const show = (p: string) => displayPath(root, p);
  const deltaPaths = new Set(delta.files.map((f) => f.path));
  const seen = new Map<string, number>();
  for (const f of iceberg.dataFiles) seen.set(f.path, (seen.get(f.path) ?? 0) + 1);
  const differences: string[] = [];
  for (const p of deltaPaths) if (!seen.has(p)) differences.push(`missing from Iceberg: ${show(p)} (active in Delta)`);
  for (const [p, n] of seen) {
    if (!deltaPaths.has(p)) differences.push(`extra in Iceberg: ${show(p)} (not an active Delta file)`);
    if (n > 1) differences.push(`listed ${n} times in Iceberg: ${show(p)}`);
  }
  for (const p of iceberg.deleteFiles)
    differences.push(`Iceberg has a delete file, which Delta → Iceberg translation never writes: ${show(p)}`);
  return result(
    "files",
    `${delta.files.length} active Delta files, ${iceberg.dataFiles.length} Iceberg data files`,
    differences,
  );
}

/** Names, types and nullability per the mapping in type-mapping.ts. */
export function compareSchema(delta: DeltaSnapshot, iceberg: IcebergTableState): CheckResult {
  const differences: string[] = [];
  compareFields(delta.schema.fields, iceberg.schema.fields, "", differences);
  return result(
    "schema",
    `${delta.schema.fields.length} Delta columns, ${iceberg.schema.fields.length} Iceberg columns`,
    differences,
  );
}

function compareFields(
  deltaFields: readonly DeltaField[],
  icebergFields: readonly IcebergField[],
  prefix: string,
  out: string[],
): void {
  const byName = new Map(icebergFields.map((f) => [f.name, f]));
  const deltaNames = new Set(deltaFields.map((f) => f.name));
  for (const d of deltaFields) {
    const path = prefix + d.name;
    const i = byName.get(d.name);
    if (!i) {
      out.push(`column ${path}: in Delta (${describeDelta(d.type)}), missing from Iceberg`);
      continue;
    }
    if (i.required === d.nullable)
      out.push(
        `column ${path}: Delta ${d.nullable ? "nullable" : "NOT NULL"} must be Iceberg ${d.nullable ? "optional" : "required"}, found ${i.required ? "required" : "optional"}`,
      );
    compareTypes(d.type, i.type, path, out);
  }
  for (const i of icebergFields)
    if (!deltaNames.has(i.name))
      out.push(`column ${prefix}${i.name}: in Iceberg (${describeIceberg(i.type)}), not in Delta`);
}

function compareTypes(d: DeltaType, i: IcebergType, path: string, out: string[]): void {
  if (typeof d === "string") {
    const want = icebergPrimitiveFor(d);
    if (want === null) out.push(`column ${path}: Delta type ${d} has no Iceberg mapping (found ${describeIceberg(i)})`);
    else if (typeof i !== "string" || normaliseIcebergPrimitive(i) !== want)
      out.push(`column ${path}: Delta ${d} must be Iceberg ${want}, found ${describeIceberg(i)}`);
    return;
  }
  const kind = { struct: "struct", array: "list", map: "map" }[d.type];
  if (typeof i === "string" || i.type !== kind) {
    out.push(`column ${path}: Delta ${d.type} must be Iceberg ${kind}, found ${describeIceberg(i)}`);
    return;
  }
  if (d.type === "struct" && i.type === "struct") compareFields(d.fields, i.fields, `${path}.`, out);
  else if (d.type === "array" && i.type === "list") {
    if (i["element-required"] === d.containsNull)
      out.push(
        `column ${path}.element: Delta containsNull=${d.containsNull} must be Iceberg element-required=${!d.containsNull}, found ${i["element-required"]}`,
      );
    compareTypes(d.elementType, i.element, `${path}.element`, out);
  } else if (d.type === "map" && i.type === "map") {
    compareTypes(d.keyType, i.key, `${path}.key`, out);
    if (i["value-required"] === d.valueContainsNull)
      out.push(
        `column ${path}.value: Delta valueContainsNull=${d.valueContainsNull} must be Iceberg value-required=${!d.valueContainsNull}, found ${i["value-required"]}`,
      );
    compareTypes(d.valueType, i.value, `${path}.value`, out);
  }
}

/**
 * The default partition spec is one identity field per Delta partition
 * column, in order, and each live file's partition tuple holds the Delta
 * file's partition values (for the types whose Iceberg form is plain).
 */
export function comparePartitioning(delta: DeltaSnapshot, iceberg: IcebergTableState): CheckResult {
  const differences: string[] = [];
  const cols = delta.metadata.partitionColumns;
  const spec = iceberg.partitionSpec;
  const nameOfId = new Map(iceberg.schema.fields.map((f) => [f.id, f.name]));
  const describeSpec =
    spec.length === 0
      ? "unpartitioned"
      : spec.map((f) => `${f.transform}(${nameOfId.get(f.sourceId) ?? `field ${f.sourceId}`})`).join(", ");
  const describeDeltaCols = cols.length === 0 ? "unpartitioned" : cols.join(", ");
  const specOk =
    spec.length === cols.length &&
    spec.every((f, k) => f.transform === "identity" && nameOfId.get(f.sourceId) === cols[k]);
  if (!specOk)
    differences.push(
      `partition spec: Delta is partitioned by ${describeDeltaCols}, so Iceberg must be ${cols.length === 0 ? "unpartitioned" : cols.map((c) => `identity(${c})`).join(", ")}; found ${describeSpec}`,
    );

  if (specOk && cols.length > 0) {
    const deltaByPath = new Map(delta.files.map((f) => [f.path, f]));
    const typeOf = new Map(delta.schema.fields.map((f) => [f.name, f.type]));
    let wrong = 0;
    for (const file of iceberg.dataFiles) {
      const d = deltaByPath.get(file.path);
      if (!d || file.specId !== iceberg.specId) continue;
      for (const [k, col] of cols.entries()) {
        const type = typeOf.get(col);
        const want = partitionValue(typeof type === "string" ? type : "", d.partitionValues[col] ?? null);
        if (want === undefined) continue; // a type whose Iceberg partition form is not compared
        const got = normalisePartitionValue(file.partition[spec[k]!.name]);
        if (got !== want && wrong++ < 5)
          differences.push(
            `partition value of ${displayPath(delta.tablePath, file.path)}: ${col} is ${JSON.stringify(d.partitionValues[col] ?? null)} in Delta, ${showIcebergValue(type, got)} in Iceberg`,
          );
      }
    }
    if (wrong > 5) differences.push(`… and ${wrong - 5} more wrong partition values`);
  }
  return result("partitionSpec", `Delta: ${describeDeltaCols}; Iceberg: ${describeSpec}`, differences);
}

/** A Delta partition value (a string) in Iceberg's internal form, or undefined when not compared. */
function partitionValue(type: string, value: string | null): string | number | boolean | null | undefined {
  if (value === null) return null;
  switch (type) {
    case "string":
      return value;
    case "integer":
    case "long":
      return Number(value);
    case "boolean":
      return value === "true";
    case "date": {
      const ms = Date.parse(`${value}T00:00:00Z`);
      return Number.isNaN(ms) ? value : ms / 86_400_000;
    }
    default:
      return undefined;
  }
}

/** An Iceberg partition value for a report: dates (days since 1970) also as ISO dates. */
function showIcebergValue(type: unknown, v: unknown): string {
  if (type === "date" && typeof v === "number") return `${v} (${new Date(v * 86_400_000).toISOString().slice(0, 10)})`;
  return JSON.stringify(v);
}

function normalisePartitionValue(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : (v ?? null);
}

/** Iceberg's snapshot summary and manifests count the same records as Delta's `stats.numRecords`. */
export function compareRecordCounts(delta: DeltaSnapshot, iceberg: IcebergTableState): CheckResult {
  const differences: string[] = [];
  const unknown = delta.files.filter((f) => f.numRecords === null).length;
  const deltaTotal = delta.files.reduce((n, f) => n + (f.numRecords ?? 0), 0);
  const manifestTotal = iceberg.dataFiles.reduce((n, f) => n + f.recordCount, 0);
  const summaryRaw = iceberg.currentSnapshot?.summary["total-records"];
  const summaryTotal = summaryRaw === undefined ? null : Number(summaryRaw);
  if (unknown > 0)
    return result(
      "recordCount",
      `not compared: ${unknown} Delta file${unknown === 1 ? " has" : "s have"} no numRecords statistics (Iceberg: ${manifestTotal})`,
      [],
    );
  if (manifestTotal !== deltaTotal)
    differences.push(`total records: Delta ${deltaTotal}, Iceberg manifests ${manifestTotal}`);
  if (summaryTotal !== null && summaryTotal !== deltaTotal)
    differences.push(`total records: Delta ${deltaTotal}, Iceberg snapshot summary total-records ${summaryTotal}`);
  const deltaByPath = new Map(delta.files.map((f) => [f.path, f]));
  let wrong = 0;
  for (const f of iceberg.dataFiles) {
    const d = deltaByPath.get(f.path);
    if (d && d.numRecords !== null && d.numRecords !== f.recordCount && wrong++ < 5)
      differences.push(
        `records of ${displayPath(delta.tablePath, f.path)}: Delta ${d.numRecords}, Iceberg ${f.recordCount}`,
      );
  }
  if (wrong > 5) differences.push(`… and ${wrong - 5} more files with a different record count`);
  return result(
    "recordCount",
    `Delta ${deltaTotal}, Iceberg ${manifestTotal}${summaryTotal === null ? "" : ` (summary ${summaryTotal})`}`,
    differences,
  );
}

/** XTable's sync state as XTable 0.3/0.4 serialise it (`TableSyncMetadata.toJson`). */
export interface XTableSyncState {
  readonly lastInstantSynced?: string;
  readonly instantsToConsiderForNextSync?: readonly string[];
  readonly version?: number;
  readonly sourceTableFormat?: string;
  /** The source commit: for Delta, the table version as a decimal string. */
  readonly sourceIdentifier?: string;
}

/** Parses an `XTABLE_METADATA` value; null when it is not a JSON object. */
export function parseSyncState(text: string | undefined): XTableSyncState | null {
  if (text === undefined) return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as XTableSyncState) : null;
  } catch {
    return null;
  }
}

/**
 * The Iceberg table's `XTABLE_METADATA` property says it was synced from the
 * Delta table's newest version. XTable writes it as JSON:
 * `{"lastInstantSynced":"2026-11-26T17:19:40Z","instantsToConsiderForNextSync":[],"version":0,"sourceTableFormat":"DELTA","sourceIdentifier":"2"}`,
 * and the same value into the snapshot summary of each snapshot it commits.
 */
export function compareSourceVersion(delta: DeltaSnapshot, iceberg: IcebergTableState): CheckResult {
  const differences: string[] = [];
  const raw = iceberg.properties[XTABLE_METADATA];
  const state = parseSyncState(raw);
  if (raw === undefined) {
    differences.push(
      `the Iceberg table has no ${XTABLE_METADATA} property, so it does not record the Delta version it came from`,
    );
    return result("sourceVersion", `Delta version ${delta.version}; Iceberg: unknown`, differences);
  }
  if (!state) {
    differences.push(
      `the Iceberg table's ${XTABLE_METADATA} property is not a JSON object: ${JSON.stringify(raw.slice(0, 200))}`,
    );
    return result("sourceVersion", `Delta version ${delta.version}; Iceberg: unreadable`, differences);
  }
  if (state.sourceTableFormat !== undefined && state.sourceTableFormat !== "DELTA")
    differences.push(`${XTABLE_METADATA} says the source format is ${state.sourceTableFormat}, not DELTA`);
  const synced = state.sourceIdentifier;
  if (synced === undefined)
    differences.push(`${XTABLE_METADATA} has no sourceIdentifier (the Delta version it was synced from)`);
  else if (synced !== String(delta.version))
    differences.push(
      `stale: Iceberg was synced from Delta version ${synced}, the Delta table is at version ${delta.version}`,
    );
  const summary = parseSyncState(iceberg.currentSnapshot?.summary[XTABLE_METADATA]);
  if (summary?.sourceIdentifier !== undefined && synced !== undefined && summary.sourceIdentifier !== synced)
    differences.push(
      `the current snapshot's summary says Delta version ${summary.sourceIdentifier}, the table property says ${synced}`,
    );
  const at = state.lastInstantSynced ? ` (last synced commit at ${state.lastInstantSynced})` : "";
  return result(
    "sourceVersion",
    `Delta version ${delta.version}; Iceberg synced from ${synced ?? "?"}${at}`,
    differences,
  );
}
