/**
 * Reads the current state of an Iceberg table that lives in a folder or an S3
 * prefix (as XTable writes it with no catalog, through Iceberg's HadoopTables): the
 * newest table metadata file under `<table>/metadata/`, the current
 * snapshot's manifest list and its manifests (Avro).
 */
import { gunzipSync } from "node:zlib";
import YAML from "yaml";
import { IcebergMetadataError } from "../errors.js";
import { decodeAvro } from "./avro.js";
import { isErrno, message } from "./delta-log.js";
import { icebergFilePath } from "./paths.js";
import { storageFor, type TableStorage } from "./storage.js";

/** An Iceberg type as table metadata JSON writes it (Iceberg spec, Appendix C). */
export type IcebergType = string | IcebergStructType | IcebergListType | IcebergMapType;

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
}

export interface IcebergStructType {
  readonly type: "struct";
  readonly fields: readonly IcebergField[];
}

export interface IcebergListType {
  readonly type: "list";
  readonly "element-id": number;
  readonly element: IcebergType;
  readonly "element-required": boolean;
}

export interface IcebergMapType {
  readonly type: "map";
  readonly "key-id": number;
  readonly key: IcebergType;
  readonly "value-id": number;
  readonly value: IcebergType;
  readonly "value-required": boolean;
}

export interface IcebergPartitionField {
  readonly name: string;
  readonly transform: string;
  readonly sourceId: number;
  readonly fieldId: number | null;
}

export interface IcebergSnapshot {
  /** Kept as text: snapshot ids are 63-bit. */
  readonly snapshotId: string;
  readonly timestampMs: number;
  readonly summary: Readonly<Record<string, string>>;
}

/** A live file of the current snapshot. */
export interface IcebergDataFile {
  /** As written in the manifest. */
  readonly location: string;
  /** Absolute local path or S3 URI (see paths.ts). */
  readonly path: string;
  readonly recordCount: number;
  /** Partition tuple by partition field name, in Iceberg's internal representation (dates as days, …). */
  readonly partition: Readonly<Record<string, unknown>>;
  readonly specId: number;
  /** Column bounds by field id, in Iceberg's single-value binary form. */
  readonly lowerBounds: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds: ReadonlyMap<number, Uint8Array>;
}

export interface IcebergTableState {
  /** The table metadata file that was read. */
  readonly metadataFile: string;
  /** How it was found: `version-hint.text`, or the newest file by listing. */
  readonly foundBy: "version-hint" | "listing";
  readonly formatVersion: number;
  readonly location: string;
  readonly schema: IcebergStructType;
  readonly specId: number;
  readonly partitionSpec: readonly IcebergPartitionField[];
  readonly properties: Readonly<Record<string, string>>;
  readonly currentSnapshot: IcebergSnapshot | null;
  /** Live data files of the current snapshot, sorted by path. */
  readonly dataFiles: readonly IcebergDataFile[];
  /** Live delete files (position or equality deletes) of the current snapshot. */
  readonly deleteFiles: readonly string[];
}

const HADOOP_NAME = /^v(\d+)(\.gz)?\.metadata\.json(\.gz)?$/;
const CATALOG_NAME = /^(\d+)-[0-9a-fA-F-]+(\.gz)?\.metadata\.json(\.gz)?$/;

/**
 * Reads the Iceberg table whose root folder is `tableRoot` (a local folder or an S3 prefix).
 * @param storage where to read it from (default: chosen by the path, see storage.ts)
 * @throws {IcebergMetadataError} when there is no Iceberg metadata, or it cannot be read
 */
export async function readIcebergTable(
  tableRoot: string,
  storage: TableStorage = storageFor(tableRoot),
): Promise<IcebergTableState> {
  const dir = storage.join(storage.root, "metadata");
  const { file, foundBy } = await findMetadataFile(storage, dir);
  const raw = await readMetadataJson(storage, file);
  return readState(storage, storage.root, file, foundBy, raw);
}

async function findMetadataFile(
  fs: TableStorage,
  dir: string,
): Promise<{ file: string; foundBy: "version-hint" | "listing" }> {
  let names: string[];
  try {
    names = await fs.list(dir);
  } catch (error) {
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR"))
      throw new IcebergMetadataError(
        `no Iceberg metadata: ${dir} does not exist. Sync the table first (pipegen xtable run); without a catalog XTable writes Iceberg metadata there.`,
      );
    throw new IcebergMetadataError(`cannot read ${dir}: ${message(error)}.`);
  }
  if (names.includes("version-hint.text")) {
    let hint: string;
    try {
      hint = (await fs.read(fs.join(dir, "version-hint.text"))).toString("utf8").trim();
    } catch (error) {
      throw new IcebergMetadataError(`cannot read ${fs.join(dir, "version-hint.text")}: ${message(error)}.`);
    }
    const file = /^\d+$/.test(hint) ? names.find((n) => HADOOP_NAME.exec(n)?.[1] === String(Number(hint))) : undefined;
    // Like HadoopTables, fall back to listing when the hint is stale or garbled.
    if (file) return { file: fs.join(dir, file), foundBy: "version-hint" };
  }
  const newest = (re: RegExp) =>
    names
      .map((n) => ({ n, v: re.exec(n) }))
      .filter((x) => x.v)
      .sort((a, b) => Number(b.v![1]) - Number(a.v![1]))[0]?.n;
  const file = newest(HADOOP_NAME) ?? newest(CATALOG_NAME);
  if (!file)
    throw new IcebergMetadataError(
      `no Iceberg metadata: ${dir} has no table metadata file (vN.metadata.json or NNNNN-<uuid>.metadata.json). Sync the table first (pipegen xtable run).`,
    );
  return { file: fs.join(dir, file), foundBy: "listing" };
}

async function readMetadataJson(fs: TableStorage, file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    const bytes = await fs.read(file);
    text = (file.includes(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch (error) {
    throw new IcebergMetadataError(`cannot read the Iceberg metadata file ${file}: ${message(error)}.`);
  }
  let parsed: unknown;
  try {
    // JSON through the YAML parser: it keeps 64-bit integers (snapshot ids) exact as bigints.
    parsed = YAML.parse(text, { schema: "json", intAsBigInt: true, uniqueKeys: false });
  } catch (error) {
    throw new IcebergMetadataError(`the Iceberg metadata file ${file} is not valid JSON (${message(error)}).`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new IcebergMetadataError(`the Iceberg metadata file ${file} is not a JSON object.`);
  return smallIntsToNumbers(parsed) as Record<string, unknown>;
}

/** bigints that fit a JavaScript number become numbers; only ids beyond 2^53 stay bigints. */
function smallIntsToNumbers(value: unknown): unknown {
  if (typeof value === "bigint")
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (Array.isArray(value)) return value.map(smallIntsToNumbers);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, smallIntsToNumbers(v)]));
  return value;
}

async function readState(
  fs: TableStorage,
  tableRoot: string,
  file: string,
  foundBy: "version-hint" | "listing",
  m: Record<string, unknown>,
): Promise<IcebergTableState> {
  const bad = (what: string) => new IcebergMetadataError(`the Iceberg metadata file ${file} is invalid: ${what}.`);
  const formatVersion = Number(m["format-version"] ?? 1);
  const location = typeof m.location === "string" ? m.location : "";

  let schema: unknown;
  if (Array.isArray(m.schemas))
    schema = m.schemas.find((s: { "schema-id"?: unknown }) => s?.["schema-id"] === m["current-schema-id"]);
  else schema = m.schema;
  if (!isStruct(schema)) throw bad("it has no current schema");

  let specId = 0;
  let partitionSpec: unknown;
  if (Array.isArray(m["partition-specs"])) {
    specId = Number(m["default-spec-id"] ?? 0);
    partitionSpec = (m["partition-specs"] as { "spec-id"?: unknown; fields?: unknown }[]).find(
      (s) => s?.["spec-id"] === specId,
    )?.fields;
  } else partitionSpec = m["partition-spec"];
  if (!Array.isArray(partitionSpec)) throw bad("it has no default partition spec");
  const properties: Record<string, string> = {};
  if (typeof m.properties === "object" && m.properties !== null)
    for (const [k, v] of Object.entries(m.properties)) properties[k] = String(v);

  const currentId = m["current-snapshot-id"];
  const snapshots = Array.isArray(m.snapshots) ? (m.snapshots as Record<string, unknown>[]) : [];
  const current =
    currentId === undefined || currentId === null || String(currentId) === "-1"
      ? undefined
      : snapshots.find((s) => String(s["snapshot-id"]) === String(currentId));
  if (currentId !== undefined && currentId !== null && String(currentId) !== "-1" && !current)
    throw bad(`its current snapshot ${String(currentId)} is not among its snapshots`);

  const dataFiles: IcebergDataFile[] = [];
  const deleteFiles: string[] = [];
  if (current) {
    const manifests = await manifestsOf(fs, tableRoot, file, current);
    for (const manifest of manifests) {
      const path = icebergFilePath(tableRoot, manifest.path);
      const entries = await readAvro(fs, path, "manifest");
      const live = entries.records.filter((e) => Number(e.status) !== 2).length;
      // A manifest cut short after a whole block still decodes; the manifest list's counts catch it.
      if (manifest.liveFiles !== null && live !== manifest.liveFiles)
        throw new IcebergMetadataError(
          `the Iceberg manifest ${path} is corrupt: it holds ${live} live entries where the manifest list says ${manifest.liveFiles}.`,
        );
      for (const entry of entries.records) {
        if (Number(entry.status) === 2) continue; // DELETED in this snapshot
        const df = entry.data_file as Record<string, unknown> | undefined;
        if (!df || typeof df.file_path !== "string")
          throw new IcebergMetadataError(
            `the Iceberg manifest ${path} is invalid: an entry has no data_file.file_path.`,
          );
        const content = Number(df.content ?? manifest.content);
        if (content !== 0) {
          deleteFiles.push(icebergFilePath(tableRoot, df.file_path));
          continue;
        }
        dataFiles.push({
          location: df.file_path,
          path: icebergFilePath(tableRoot, df.file_path),
          recordCount: Number(df.record_count),
          partition: (df.partition as Record<string, unknown> | null) ?? {},
          specId: manifest.specId,
          lowerBounds: boundsMap(df.lower_bounds),
          upperBounds: boundsMap(df.upper_bounds),
        });
      }
    }
  }
  dataFiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    metadataFile: file,
    foundBy,
    formatVersion,
    location,
    schema,
    specId,
    partitionSpec: toSpec(partitionSpec),
    properties,
    currentSnapshot: current
      ? {
          snapshotId: String(current["snapshot-id"]),
          timestampMs: Number(current["timestamp-ms"] ?? 0),
          summary: Object.fromEntries(
            Object.entries((current.summary as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]),
          ),
        }
      : null,
    dataFiles,
    deleteFiles,
  };
}

interface ManifestRef {
  readonly path: string;
  readonly content: number;
  readonly specId: number;
  /** Added + existing files, when the manifest list records them. */
  readonly liveFiles: number | null;
}

async function manifestsOf(
  fs: TableStorage,
  tableRoot: string,
  metadataFile: string,
  snapshot: Record<string, unknown>,
): Promise<ManifestRef[]> {
  if (typeof snapshot["manifest-list"] === "string") {
    const listPath = icebergFilePath(tableRoot, snapshot["manifest-list"]);
    const list = await readAvro(fs, listPath, "manifest list");
    return list.records.map((r) => {
      if (typeof r.manifest_path !== "string")
        throw new IcebergMetadataError(
          `the Iceberg manifest list ${listPath} is invalid: an entry has no manifest_path.`,
        );
      // Format v2 names the counts added_files_count/existing_files_count, v1 added_data_files_count/…
      const added = r.added_files_count ?? r.added_data_files_count;
      const existing = r.existing_files_count ?? r.existing_data_files_count;
      const liveFiles =
        added === null || added === undefined || existing === null || existing === undefined
          ? null
          : Number(added) + Number(existing);
      return {
        path: r.manifest_path,
        content: Number(r.content ?? 0),
        specId: Number(r.partition_spec_id ?? 0),
        liveFiles,
      };
    });
  }
  // Format v1 allowed listing manifests in the snapshot itself.
  if (Array.isArray(snapshot.manifests))
    return snapshot.manifests.map((p) => ({ path: String(p), content: 0, specId: 0, liveFiles: null }));
  throw new IcebergMetadataError(
    `the Iceberg metadata file ${metadataFile} is invalid: snapshot ${String(snapshot["snapshot-id"])} has no manifest list.`,
  );
}

async function readAvro(fs: TableStorage, path: string, what: string): Promise<Awaited<ReturnType<typeof decodeAvro>>> {
  let bytes: Buffer;
  try {
    bytes = await fs.read(path);
  } catch (error) {
    throw new IcebergMetadataError(`cannot read the Iceberg ${what} ${path}: ${message(error)}.`);
  }
  try {
    return await decodeAvro(bytes);
  } catch (error) {
    throw new IcebergMetadataError(`the Iceberg ${what} ${path} is corrupt: ${message(error)}.`);
  }
}

/** Iceberg writes bound maps as Avro arrays of {key: field id, value: bytes}. */
function boundsMap(value: unknown): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  if (Array.isArray(value))
    for (const e of value as { key?: unknown; value?: unknown }[])
      if (e && typeof e.key === "number" && e.value instanceof Uint8Array) out.set(e.key, e.value);
  return out;
}

function toSpec(fields: unknown): IcebergPartitionField[] {
  if (!Array.isArray(fields)) return [];
  return fields.map((f: Record<string, unknown>) => ({
    name: String(f.name),
    transform: String(f.transform),
    sourceId: Number(f["source-id"]),
    fieldId: f["field-id"] === undefined ? null : Number(f["field-id"]),
  }));
}

function isStruct(value: unknown): value is IcebergStructType {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "struct" &&
    Array.isArray((value as { fields?: unknown }).fields)
  );
}
