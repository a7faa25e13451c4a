/**
 * The `columnBounds` check of `pipegen xtable verify`: the lower and upper
 * bounds that Iceberg's manifests give each data file's columns must hold the
 * values the file really has. Readers skip a file whose bounds exclude a
 * filter, so an upper bound below the real maximum silently drops rows (e.g.
 * a timestamp bound cut to milliseconds from Spark's Delta statistics).
 *
 * The data files are read (the bounded top-level columns only) and their
 * min/max compared with the decoded bounds, for the types whose order is
 * plain: int, long, date, time, timestamp(tz), float, double and string.
 * They are read from where the table is, a local folder or S3.
 */
import zlib from "node:zlib";
import { type Compressors, parquetMetadata, parquetReadObjects } from "hyparquet";
import type { CheckResult } from "./compare.js";
import type { IcebergTableState } from "./iceberg-metadata.js";
import { displayPath, hasRemoteScheme, isS3Location } from "./paths.js";
import type { TableStorage } from "./storage.js";

type Value = bigint | number | string;

const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliDecompressSync(input)),
  ...(zstd ? { ZSTD: (input: Uint8Array) => new Uint8Array(zstd(input)) } : {}),
};

/** hyparquet's conversions, kept exact: timestamps as bigint microseconds, dates as days. */
const PARSERS = {
  timestampFromMilliseconds: (ms: bigint) => BigInt(ms) * 1000n,
  timestampFromMicroseconds: (us: bigint) => BigInt(us),
  timestampFromNanoseconds: (ns: bigint) => BigInt(ns) / 1000n,
  dateFromDays: (days: number) => days,
};

const COMPARED = new Set(["int", "long", "date", "time", "timestamp", "timestamptz", "float", "double", "string"]);

/** Decodes a bound (Iceberg spec, "Binary single-value serialization"). */
export function decodeBound(type: string, bytes: Uint8Array): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case "int":
    case "date":
      return view.getInt32(0, true);
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
      return view.getBigInt64(0, true);
    case "float":
      return view.getFloat32(0, true);
    case "double":
      return view.getFloat64(0, true);
    default:
      return Buffer.from(bytes).toString("utf8");
  }
}

/** Orders values of one type; strings by UTF-8 bytes, as Iceberg does. */
function compare(a: Value, b: Value): number {
  if (typeof a === "string" && typeof b === "string") return Buffer.compare(Buffer.from(a), Buffer.from(b));
  const x = typeof a === "bigint" || typeof b === "bigint" ? BigInt(a) : Number(a);
  const y = typeof a === "bigint" || typeof b === "bigint" ? BigInt(b) : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function show(type: string, v: Value): string {
  if ((type === "timestamp" || type === "timestamptz") && typeof v === "bigint") {
    const micros = v % 1_000_000n;
    const iso = new Date(Number(v / 1000n)).toISOString().replace(/\.\d{3}Z$/, "");
    return `${iso}.${String(micros < 0n ? micros + 1_000_000n : micros).padStart(6, "0")}${type === "timestamptz" ? "Z" : ""}`;
  }
  if (type === "date" && typeof v === "number") return new Date(v * 86_400_000).toISOString().slice(0, 10);
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** The min and max of one column's non-null values, or null when it has none. */
function minMax(values: unknown[]): { min: Value; max: Value } | null {
  let min: Value | undefined;
  let max: Value | undefined;
  for (const raw of values) {
    if (raw === null || raw === undefined) continue;
    if (typeof raw === "number" && Number.isNaN(raw)) continue;
    const v = raw as Value;
    if (min === undefined || compare(v, min) < 0) min = v;
    if (max === undefined || compare(v, max) > 0) max = v;
  }
  return min === undefined || max === undefined ? null : { min, max };
}

/**
 * Compares every live data file's bounds with its data, read from `storage`.
 * Files elsewhere (an S3 file of a local table, any other scheme) are not
 * read; the summary says so.
 */
export async function compareColumnBounds(storage: TableStorage, iceberg: IcebergTableState): Promise<CheckResult> {
  const tableRoot = storage.root;
  const readable = (path: string) => (isS3Location(storage.root) ? isS3Location(path) : !hasRemoteScheme(path));
  const fields = iceberg.schema.fields.filter((f) => typeof f.type === "string" && COMPARED.has(f.type));
  const differences: string[] = [];
  let checked = 0;
  let remote = 0;
  for (const file of iceberg.dataFiles) {
    const bounded = fields.filter((f) => file.lowerBounds.has(f.id) || file.upperBounds.has(f.id));
    if (bounded.length === 0) continue;
    if (!readable(file.path)) {
      remote++;
      continue;
    }
    let rows: Record<string, unknown>[];
    try {
      rows = await readColumns(
        await storage.read(file.path),
        bounded.map((f) => f.name),
      );
    } catch (error) {
      differences.push(
        `cannot read ${displayPath(tableRoot, file.path)} to check its bounds: ${(error as Error).message.split("\n")[0]}`,
      );
      continue;
    }
    checked++;
    for (const field of bounded) {
      const type = field.type as string;
      const range = minMax(rows.map((r) => r[field.name]));
      if (!range) continue;
      const lower = file.lowerBounds.get(field.id);
      const upper = file.upperBounds.get(field.id);
      const where = `${field.name} in ${displayPath(tableRoot, file.path)}`;
      if (lower && compare(decodeBound(type, lower), range.min) > 0)
        differences.push(
          `lower bound of ${where} is ${show(type, decodeBound(type, lower))}, above the smallest value ${show(type, range.min)}: filters would skip rows`,
        );
      if (upper && compare(decodeBound(type, upper), range.max) < 0)
        differences.push(
          `upper bound of ${where} is ${show(type, decodeBound(type, upper))}, below the largest value ${show(type, range.max)}: filters would skip rows`,
        );
    }
  }
  const summary = `${checked} data file${checked === 1 ? "" : "s"} read${remote > 0 ? `, ${remote} remote not read` : ""}`;
  return { check: "columnBounds", ok: differences.length === 0, summary, differences };
}

async function readColumns(bytes: Buffer, columns: string[]): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  const present = new Set(metadata.schema.slice(1).map((e) => e.name));
  const wanted = columns.filter((c) => present.has(c));
  if (wanted.length === 0) return [];
  return (await parquetReadObjects({
    file,
    metadata,
    columns: wanted,
    compressors: COMPRESSORS,
    parsers: PARSERS,
    utf8: true,
  } as Parameters<typeof parquetReadObjects>[0])) as Record<string, unknown>[];
}
