/**
 * Reads a Delta table's current state from its `_delta_log`: the newest
 * complete checkpoint (classic Parquet, single-file or multi-part, or a v2
 * checkpoint `NNN.checkpoint.<uuid>.json|parquet` with its `_sidecars/`
 * files; found through `_last_checkpoint` or by listing) plus every JSON
 * commit after it, replayed in order as the Delta protocol ("Action
 * Reconciliation") says.
 */
import { DeltaTableError } from "../errors.js";
import { type DeltaStructType, parseDeltaSchema } from "./delta-schema.js";
import { parquetRows } from "./parquet.js";
import { deltaFilePath } from "./paths.js";
import { storageFor, type TableStorage } from "./storage.js";

export interface DeltaProtocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures: readonly string[];
  readonly writerFeatures: readonly string[];
}

export interface DeltaMetadata {
  readonly id: string;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
}

/** One active data file (a live `add` action). */
export interface DeltaFile {
  /** The path as written in the log (percent-encoded, usually relative). */
  readonly logPath: string;
  /** Absolute local path or S3 URI, decoded (see paths.ts). */
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  /** `stats.numRecords`, or null when the writer recorded no statistics. */
  readonly numRecords: number | null;
  /** The deletion vector descriptor, when rows of this file are deleted by one. */
  readonly deletionVector: Readonly<Record<string, unknown>> | null;
  /** `stats.minValues` and `stats.maxValues` as the writer recorded them (nested by column), when present. */
  readonly statsValues: { readonly min: unknown; readonly max: unknown } | null;
}

export interface DeltaSnapshot {
  /** Absolute table root: a local path, or `s3://bucket/prefix`. */
  readonly tablePath: string;
  /** The newest table version. */
  readonly version: number;
  readonly protocol: DeltaProtocol;
  readonly metadata: DeltaMetadata;
  readonly schema: DeltaStructType;
  /** Active files, sorted by path. */
  readonly files: readonly DeltaFile[];
  /** The checkpoint replay started from, if any. */
  readonly checkpoint: { readonly version: number; readonly parts: number } | null;
  /** How many JSON commits were replayed after the checkpoint. */
  readonly commitsRead: number;
}

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
/** A v2 checkpoint (table feature v2Checkpoint): its add actions may live in `_sidecars/`. */
const V2_CHECKPOINT = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

interface Checkpoint {
  readonly version: number;
  readonly files: readonly string[];
}

/**
 * Reads the table at `tablePath`: a local folder, a `file:` URI or an S3 prefix (`s3://bucket/prefix`).
 * @param storage where to read it from (default: chosen by the path, see storage.ts)
 * @throws {DeltaTableError} when the path is not a Delta table or its log is missing, incomplete, corrupt or unreadable,
 * or when its URI scheme is not supported
 */
export async function readDeltaSnapshot(
  tablePath: string,
  storage: TableStorage = storageFor(tablePath),
): Promise<DeltaSnapshot> {
  const root = storage.root;
  const fs = storage;
  await requireDirectory(fs, root, `${root} is not a Delta table`);
  const logDir = fs.join(root, "_delta_log");
  let names: string[];
  try {
    const kind = await fs.kind(logDir);
    if (kind === "missing")
      throw new DeltaTableError(
        `${root} is not a Delta table: it has no _delta_log folder. Give the table's root folder (the one that holds _delta_log).`,
      );
    if (kind !== "folder") throw new DeltaTableError(`${root} is not a Delta table: ${logDir} is not a folder.`);
    names = await fs.list(logDir);
  } catch (error) {
    if (error instanceof DeltaTableError) throw error;
    throw new DeltaTableError(`cannot read ${logDir}: ${message(error)}.`);
  }

  const commits = new Map<number, string>();
  for (const name of names) {
    const m = COMMIT.exec(name);
    if (m) commits.set(Number(m[1]), name);
  }
  const checkpoint = await chooseCheckpoint(fs, logDir, names);
  if (commits.size === 0 && !checkpoint)
    throw new DeltaTableError(
      `${root} is not a Delta table: ${logDir} has no commit (no 00000000000000000000.json) and no checkpoint.`,
    );

  const latest = Math.max(checkpoint?.version ?? -1, ...commits.keys());
  const first = checkpoint ? checkpoint.version + 1 : 0;
  const missing: number[] = [];
  for (let v = first; v <= latest; v++) if (!commits.has(v)) missing.push(v);
  if (missing.length > 0) {
    const what =
      missing.length > 3 ? `${missing.slice(0, 3).join(", ")} and ${missing.length - 3} more` : missing.join(", ");
    const why = checkpoint
      ? `after its checkpoint at version ${checkpoint.version}`
      : "and it has no checkpoint to start from";
    throw new DeltaTableError(
      `the Delta log of ${root} is incomplete: commit${missing.length === 1 ? "" : "s"} ${what} ${missing.length === 1 ? "is" : "are"} missing ${why}, so the table's current state cannot be read.`,
    );
  }

  const state = new LogState(fs, root);
  if (checkpoint) for (const file of checkpoint.files) await state.applyCheckpoint(fs.join(logDir, file));
  for (let v = first; v <= latest; v++) await state.applyCommit(fs.join(logDir, commits.get(v)!));

  if (!state.protocol)
    throw new DeltaTableError(`the Delta log of ${root} is corrupt: no protocol action up to version ${latest}.`);
  if (!state.metadata)
    throw new DeltaTableError(`the Delta log of ${root} is corrupt: no metaData action up to version ${latest}.`);
  let schema: DeltaStructType;
  try {
    schema = parseDeltaSchema(state.metadata.schemaString);
  } catch (error) {
    throw new DeltaTableError(
      `the Delta log of ${root} is corrupt: its schemaString cannot be parsed (${message(error)}).`,
    );
  }
  return {
    tablePath: root,
    version: latest,
    protocol: state.protocol,
    metadata: state.metadata,
    schema,
    files: [...state.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    checkpoint: checkpoint ? { version: checkpoint.version, parts: checkpoint.files.length } : null,
    commitsRead: latest - first + 1,
  };
}

/**
 * The newest complete checkpoint. `_last_checkpoint` is only a hint (the
 * protocol lets writers skip updating it), so a newer complete checkpoint
 * found by listing wins; an incomplete multi-part checkpoint is ignored.
 */
async function chooseCheckpoint(
  fs: TableStorage,
  logDir: string,
  names: readonly string[],
): Promise<Checkpoint | null> {
  const complete = new Map<number, string[]>();
  const parts = new Map<string, { version: number; total: number; names: Map<number, string> }>();
  for (const name of names) {
    let m = CHECKPOINT.exec(name) ?? V2_CHECKPOINT.exec(name);
    if (m) {
      complete.set(Number(m[1]), [name]);
      continue;
    }
    m = MULTIPART.exec(name);
    if (m) {
      const key = `${m[1]}/${m[3]}`;
      const entry = parts.get(key) ?? { version: Number(m[1]), total: Number(m[3]), names: new Map() };
      entry.names.set(Number(m[2]), name);
      parts.set(key, entry);
    }
  }
  for (const p of parts.values())
    if (p.names.size === p.total && !complete.has(p.version))
      complete.set(
        p.version,
        [...p.names.entries()].sort(([a], [b]) => a - b).map(([, n]) => n),
      );

  if (names.includes("_last_checkpoint")) {
    const file = fs.join(logDir, "_last_checkpoint");
    const text = await readText(fs, file);
    let hint: { version?: unknown; parts?: unknown };
    try {
      hint = JSON.parse(text) as typeof hint;
    } catch (error) {
      throw new DeltaTableError(`the Delta log is corrupt: ${file} is not valid JSON (${message(error)}).`);
    }
    if (typeof hint !== "object" || hint === null || typeof hint.version !== "number")
      throw new DeltaTableError(`the Delta log is corrupt: ${file} has no numeric "version".`);
    // A hint that names a checkpoint which is not there (fully) is ignored, as Delta readers do.
  }
  if (complete.size === 0) return null;
  const version = Math.max(...complete.keys());
  return { version, files: complete.get(version)! };
}

/** The replay state: the newest protocol and metadata, and the live files. */
class LogState {
  protocol: DeltaProtocol | undefined;
  metadata: DeltaMetadata | undefined;
  readonly files = new Map<string, DeltaFile>();

  constructor(
    private readonly fs: TableStorage,
    private readonly root: string,
  ) {}

  async applyCheckpoint(file: string): Promise<void> {
    const rows = file.endsWith(".json")
      ? await readActions(this.fs, file)
      : await readCheckpointParquet(this.fs, file, ["protocol", "metaData", "add", "sidecar"]);
    const where = (i: number) => `${file}, row ${i + 1}`;
    for (const [i, row] of rows.entries()) {
      // Checkpoints hold no commitInfo, and their `remove`s are tombstones only.
      if (row.protocol) this.protocol = toProtocol(row.protocol, where(i));
      if (row.metaData) this.metadata = toMetadata(row.metaData, where(i));
      if (row.add) this.add(row.add, where(i));
      if (row.sidecar) {
        // A v2 checkpoint keeps its file actions in Parquet files under _delta_log/_sidecars/.
        const sidecar = asRecord(row.sidecar, "sidecar", where(i));
        if (typeof sidecar.path !== "string" || sidecar.path === "")
          throw corrupt(where(i), "a sidecar action has no path");
        const path = this.fs.join(file, "..", "_sidecars", decodeURIComponent(sidecar.path));
        for (const [k, side] of (await readCheckpointParquet(this.fs, path, ["add"])).entries())
          if (side.add) this.add(side.add, `${path}, row ${k + 1}`);
      }
    }
  }

  async applyCommit(file: string): Promise<void> {
    const actions = await readActions(this.fs, file);
    // Within one commit a file may be removed and re-added (e.g. with a new
    // deletion vector): removes first, then adds.
    for (const a of actions) if (a.remove) this.remove(a.remove, file);
    for (const a of actions) {
      if (a.protocol) this.protocol = toProtocol(a.protocol, file);
      if (a.metaData) this.metadata = toMetadata(a.metaData, file);
      if (a.add) this.add(a.add, file);
    }
  }

  private add(value: unknown, where: string): void {
    const add = asRecord(value, "add", where);
    const logPath = add.path;
    if (typeof logPath !== "string" || logPath === "") throw corrupt(where, "an add action has no path");
    const path = this.resolvePath(logPath, where);
    this.files.set(path, {
      logPath,
      path,
      partitionValues: toStringMap(add.partitionValues, where),
      size: Number(add.size ?? 0),
      numRecords: numRecords(add, where),
      statsValues: statsValues(add),
      deletionVector:
        add.deletionVector && typeof add.deletionVector === "object"
          ? (add.deletionVector as Record<string, unknown>)
          : null,
    });
  }

  private remove(value: unknown, where: string): void {
    const remove = asRecord(value, "remove", where);
    if (typeof remove.path !== "string") throw corrupt(where, "a remove action has no path");
    this.files.delete(this.resolvePath(remove.path, where));
  }

  private resolvePath(logPath: string, where: string): string {
    try {
      return deltaFilePath(this.root, logPath);
    } catch {
      throw corrupt(where, `the file path ${JSON.stringify(logPath)} is not valid percent-encoding`);
    }
  }
}

/** The actions of a JSON commit (or JSON v2 checkpoint), one per line. */
async function readActions(fs: TableStorage, file: string): Promise<Record<string, unknown>[]> {
  const text = await readText(fs, file);
  const actions: Record<string, unknown>[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      const action: unknown = JSON.parse(line);
      if (typeof action !== "object" || action === null || Array.isArray(action))
        throw new Error("an action must be a JSON object");
      actions.push(action as Record<string, unknown>);
    } catch (error) {
      throw new DeltaTableError(
        `the Delta log is corrupt: ${file} line ${i + 1} is not a valid action (${message(error)}).`,
      );
    }
  }
  return actions;
}

async function readCheckpointParquet(
  fs: TableStorage,
  file: string,
  columns: readonly string[],
): Promise<Record<string, unknown>[]> {
  let bytes: Buffer;
  try {
    bytes = await fs.read(file);
  } catch (error) {
    throw new DeltaTableError(`cannot read the Delta checkpoint ${file}: ${message(error)}.`);
  }
  try {
    return await parquetRows(bytes, columns);
  } catch (error) {
    throw new DeltaTableError(
      `the Delta checkpoint ${file} is corrupt: it cannot be read as Parquet (${message(error)}).`,
    );
  }
}

function statsValues(add: Record<string, unknown>): DeltaFile["statsValues"] {
  if (typeof add.stats !== "string" || add.stats === "") return null;
  try {
    const stats = JSON.parse(add.stats) as { minValues?: unknown; maxValues?: unknown };
    return { min: stats.minValues ?? null, max: stats.maxValues ?? null };
  } catch {
    return null; // numRecords reports unparseable stats
  }
}

function numRecords(add: Record<string, unknown>, where: string): number | null {
  if (typeof add.stats === "string" && add.stats !== "") {
    let stats: unknown;
    try {
      stats = JSON.parse(add.stats);
    } catch (error) {
      throw corrupt(where, `the stats of ${String(add.path)} are not valid JSON (${message(error)})`);
    }
    const n = (stats as { numRecords?: unknown } | null)?.numRecords;
    return typeof n === "number" ? n : null;
  }
  // Checkpoints may carry parsed statistics instead (delta.checkpoint.writeStatsAsStruct).
  const parsed = add.stats_parsed as { numRecords?: unknown } | null | undefined;
  if (parsed && (typeof parsed.numRecords === "number" || typeof parsed.numRecords === "bigint"))
    return Number(parsed.numRecords);
  return null;
}

function toProtocol(value: unknown, where: string): DeltaProtocol {
  const p = asRecord(value, "protocol", where);
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    minReaderVersion: Number(p.minReaderVersion ?? 0),
    minWriterVersion: Number(p.minWriterVersion ?? 0),
    readerFeatures: list(p.readerFeatures),
    writerFeatures: list(p.writerFeatures),
  };
}

function toMetadata(value: unknown, where: string): DeltaMetadata {
  const m = asRecord(value, "metaData", where);
  if (typeof m.schemaString !== "string") throw corrupt(where, "the metaData action has no schemaString");
  const partitionColumns = Array.isArray(m.partitionColumns) ? m.partitionColumns.map(String) : [];
  const configuration: Record<string, string> = {};
  for (const [k, v] of Object.entries(toStringMap(m.configuration, where))) if (v !== null) configuration[k] = v;
  return { id: String(m.id ?? ""), schemaString: m.schemaString, partitionColumns, configuration };
}

/** A string map as JSON commits write it (an object) or as a checkpoint holds it (an object or key/value pairs). */
function toStringMap(value: unknown, where: string): Record<string, string | null> {
  if (value === null || value === undefined) return {};
  const out: Record<string, string | null> = {};
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((e: { key?: unknown; value?: unknown }) => [e?.key, e?.value])
    : typeof value === "object"
      ? Object.entries(value)
      : [];
  if (!Array.isArray(value) && typeof value !== "object") throw corrupt(where, "a map field is not an object");
  for (const [k, v] of entries) out[String(k)] = v === null || v === undefined ? null : String(v);
  return out;
}

function asRecord(value: unknown, action: string, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw corrupt(where, `the ${action} action is not an object`);
  return value as Record<string, unknown>;
}

function corrupt(where: string, what: string): DeltaTableError {
  return new DeltaTableError(`the Delta log is corrupt: ${where}: ${what}.`);
}

async function readText(fs: TableStorage, file: string): Promise<string> {
  try {
    return (await fs.read(file)).toString("utf8");
  } catch (error) {
    throw new DeltaTableError(`cannot read the Delta log file ${file}: ${message(error)}.`);
  }
}

async function requireDirectory(fs: TableStorage, path: string, what: string): Promise<void> {
  let kind: Awaited<ReturnType<TableStorage["kind"]>>;
  try {
    kind = await fs.kind(path);
  } catch (error) {
    throw new DeltaTableError(`${what}: cannot read ${path} (${message(error)}).`);
  }
  if (kind === "missing") throw new DeltaTableError(`${what}: ${path} does not exist.`);
  if (kind === "file") throw new DeltaTableError(`${what}: ${path} is a file, not a folder.`);
}

/** Whether `error` is a Node system error (optionally with this code). */
export function isErrno(error: unknown, code?: string): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === "string" &&
    (!code || (error as NodeJS.ErrnoException).code === code)
  );
}

/** An error's message without a trailing period, for embedding in a sentence. */
export function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\.\s*$/, "");
}
