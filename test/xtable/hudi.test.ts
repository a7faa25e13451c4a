/**
 * Delta → Hudi with the real runner (jars/target/lib: XTable 0.4.0's Hudi
 * target on hudi-java-client 0.14.0), read back by an independent reader:
 * Spark 3.5 with Hudi's own Spark bundle (hudi-spark3.5-bundle 0.15.0), which
 * finds the data files through the Hudi metadata table XTable writes.
 *
 * Tables: the deltalake-written matrix of real-runner.test.ts (all_types
 * without its TIMESTAMP_NTZ column, which HUDI refuses: tested here), the
 * Spark-written tables of spark.test.ts, and an incremental sync. Every
 * table is synced to ICEBERG and HUDI in one JVM, as a spec with
 * `targetFormats: [ICEBERG, HUDI]` does; one Spark session then reads every
 * Hudi table. Rows are compared with deltalake's (delta-rs) read and, where
 * Spark's Delta reader accepts the table, with Spark's Delta read, and the
 * Hudi table's data files with the Delta table's active files.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { pipegen, ROOT } from "../helpers/cli.js";
import { pythonJson, venvBin } from "../helpers/python.js";
import { SPARK_FIXTURES, sparkJars, sparkTables } from "../helpers/spark.js";
import { RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;

/** real-runner.test.ts's matrix, with all_types_zoned for all_types (see the TIMESTAMP_NTZ test). */
const DELTALAKE = [
  "unpartitioned",
  "partitioned_date",
  "partitioned_string",
  "appends",
  "overwrite",
  "delete",
  "merge",
  "schema_evolution",
  "all_types_zoned",
  "checkpoint",
  "multipart_checkpoint",
] as const;
/** Written by Spark 3.5 + Delta 3.3 (spark.test.ts's synced tables). */
const SPARK = ["spark_basic", "spark_ts_bounds", "spark_cdf", "spark_v2_checkpoint"] as const;
const INCREMENTAL = "incremental";
const SYNCED = [...DELTALAKE, ...SPARK] as const;

interface HudiRead {
  hudi: unknown[];
  hudiFiles: string[];
  delta: unknown[] | null;
  deltaFiles: string[] | null;
  deltaError?: string;
  withoutMetadataTable?: number | string;
}

let root: string;
let path: (name: string) => string;
let version: Record<string, number>;
let synced: { exitCode: number; stdout: string; stderr: string };
const incremental: { exitCode: number; stdout: string; stderr: string }[] = [];
let incrementalInstants: { before: string[]; afterAppend: string[]; afterResync: string[] };
let incrementalTree: { afterAppend: string[]; afterResync: string[] };
let hudi: Record<string, HudiRead>;
let deltalakeRows: Record<string, unknown[]>;

async function config(names: readonly string[], targetFormats = ["ICEBERG", "HUDI"]): Promise<string> {
  const file = join(root, `${names.join("-")}-${targetFormats.join("-")}.yaml`);
  await writeFile(
    file,
    YAML.stringify({
      sourceFormat: "DELTA",
      targetFormats,
      datasets: names.map((n) => ({ tableBasePath: path(n), tableName: n })),
    }),
  );
  return file;
}

const run = async (names: readonly string[], targetFormats?: string[]) =>
  pipegen(["xtable", "run", "--config", await config(names, targetFormats), "--runner", RUNNER_DIR]);

/** The completed instants of a Hudi table's timeline (XTable commits each as a replacecommit). */
const completedInstants = (name: string) =>
  readdirSync(join(path(name), ".hoodie"))
    .filter((f) => /^\d+\.(commit|replacecommit)$/.test(f))
    .sort();

/** Every file under .hoodie/ with its size and modification time. */
function hoodieTree(name: string): string[] {
  const base = join(path(name), ".hoodie");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir).sort()) {
      const full = join(dir, f);
      const s = statSync(full);
      if (s.isDirectory()) walk(full);
      else out.push(`${relative(base, full)} ${s.size} ${s.mtimeMs}`);
    }
  };
  walk(base);
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipegen-xtable-hudi-"));
  const jars = await sparkJars();
  const tables = (
    await pythonJson<{ cases: Record<string, { path: string; version: number }> }>("delta", [
      FIXTURES,
      "delta",
      join(root, "tables"),
      [...DELTALAKE, `${INCREMENTAL}=partitioned_string`, "all_types"].join(","),
    ])
  ).cases;
  version = Object.fromEntries(Object.entries(tables).map(([n, t]) => [n, t.version]));
  // With their timestamps: Delta (and XTable's incremental check) take commit times from them.
  const spark = await sparkTables(jars);
  for (const n of SPARK)
    await cp(join(spark, n), join(root, "tables", n), { recursive: true, preserveTimestamps: true });
  path = (name) => join(root, "tables", name);

  // One JVM syncs every table to both formats.
  synced = await run(SYNCED);

  // Incremental: a first sync, two Delta commits, a second sync, then one with nothing new.
  incremental.push(await run([INCREMENTAL]));
  const before = completedInstants(INCREMENTAL);
  const appended = await execa(venvBin("delta", "python"), [FIXTURES, "append", path(INCREMENTAL), "2"]);
  version[INCREMENTAL] = (JSON.parse(appended.stdout) as { version: number }).version;
  incremental.push(await run([INCREMENTAL]));
  const afterAppend = completedInstants(INCREMENTAL);
  const treeAfterAppend = hoodieTree(INCREMENTAL);
  incremental.push(await run([INCREMENTAL]));
  incrementalInstants = { before, afterAppend, afterResync: completedInstants(INCREMENTAL) };
  incrementalTree = { afterAppend: treeAfterAppend, afterResync: hoodieTree(INCREMENTAL) };

  // One Spark session reads every Hudi table back (and the Delta tables, where it can).
  const read = [...SYNCED, INCREMENTAL];
  const r = await execa(
    venvBin("spark", "python"),
    [SPARK_FIXTURES, "hudi", jars, join(jars, "hudi", readdirSync(join(jars, "hudi"))[0]!), ...read.map(path)],
    { reject: false },
  );
  if (r.exitCode !== 0) throw new Error(`spark_fixtures.py hudi exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
  // Hudi's bundle prints JVM warnings to the same stdout: the JSON is the last line.
  const byPath = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, HudiRead>;
  hudi = Object.fromEntries(read.map((n) => [n, byPath[path(n)]!]));
  const rows = await pythonJson<Record<string, { delta: unknown[] | null }>>("delta", [
    FIXTURES,
    "rows",
    ...[...DELTALAKE, INCREMENTAL].map(path),
  ]);
  deltalakeRows = Object.fromEntries([...DELTALAKE, INCREMENTAL].map((n) => [n, rows[path(n)]!.delta!]));
}, 1_800_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("Delta → Hudi, read back by Spark's Hudi reader", () => {
  it("pipegen xtable run exits 0: every table synced to ICEBERG and HUDI by a snapshot sync", () => {
    expect(synced.exitCode, synced.stderr.slice(-3000)).toBe(0);
    expect(synced.stdout.split("\n")).toEqual([
      ...SYNCED.flatMap((n) => [`✓ ${n} → ICEBERG (full)`, `✓ ${n} → HUDI (full)`]),
      `✓ ${SYNCED.length * 2} syncs succeeded`,
    ]);
  });

  it.each(DELTALAKE)("%s (deltalake): the Hudi table has deltalake's rows and the Delta table's files", (name) => {
    const read = hudi[name]!;
    expect(existsSync(join(path(name), ".hoodie", "hoodie.properties"))).toBe(true);
    expect(read.hudi.length).toBeGreaterThan(0);
    expect(read.hudi).toEqual(deltalakeRows[name]);
    // Spark's Delta 3.3 refuses delta-rs tables that declare invariants without the table feature.
    if (read.delta !== null) {
      expect(read.hudi).toEqual(read.delta);
      expect(read.hudiFiles).toEqual(read.deltaFiles);
    } else expect(read.deltaError).toMatch(/DELTA_FEATURES_PROTOCOL_METADATA_MISMATCH.*invariants/);
  });

  it("the matrix's overwrite, delete and merge leave removed files on disk, and Hudi does not read them", () => {
    for (const name of ["overwrite", "delete", "merge"]) {
      const onDisk = readdirSync(path(name), { recursive: true }).filter((f) => String(f).endsWith(".parquet"));
      expect(onDisk.length).toBeGreaterThan(hudi[name]!.hudiFiles.length);
    }
  });

  it.each(SPARK)("%s (Spark): the Hudi table has Spark's Delta rows and the Delta table's files", (name) => {
    const read = hudi[name]!;
    expect(read.delta, read.deltaError).not.toBeNull();
    expect(read.delta!.length).toBeGreaterThan(0);
    expect(read.hudi).toEqual(read.delta);
    expect(read.hudiFiles).toEqual(read.deltaFiles);
  });

  it("a reader must enable Hudi's metadata table: a folder listing does not recognise Delta's file names", () => {
    // XTable registers Delta's part-….parquet files in the metadata table only; the README says so.
    // Hudi takes each listed file's id from its name; Delta's names have none.
    expect(hudi[SYNCED[0]]!.withoutMetadataTable).toBe(
      "java.lang.NullPointerException: element cannot be mapped to a null key",
    );
  });

  it("all_types_zoned holds decimal, date, timestamp, binary, struct, list and map columns", () => {
    const row = (hudi.all_types_zoned!.hudi as Record<string, unknown>[]).find((r) => r.id === 1)!;
    expect(Object.keys(row).sort()).toEqual([
      "b",
      "bin",
      "d",
      "day",
      "dec",
      "f",
      "i",
      "id",
      "li",
      "m",
      "s",
      "st",
      "ts",
    ]);
    expect(row).toMatchObject({ dec: "0.25", ts: "2024-01-01T12:01:00+00:00", st: { x: 1, y: "y1" }, li: [1, 2] });
  });
});

describe("incremental sync to Hudi", () => {
  it("new Delta commits become one Hudi commit each, with the same rows; a re-sync writes nothing", () => {
    const [first, second, third] = incremental;
    expect(first!.exitCode, first!.stderr.slice(-3000)).toBe(0);
    expect(first!.stdout).toContain(`✓ ${INCREMENTAL} → HUDI (full)`);
    // XTable says which mode it used (SyncResult.mode), and the runner passes it on.
    expect(second!.exitCode, second!.stderr.slice(-3000)).toBe(0);
    expect(second!.stdout).toContain(`✓ ${INCREMENTAL} → HUDI (incremental)`);
    expect(second!.stderr).not.toContain("FULL snapshot sync after the incremental sync failed");
    // One Hudi commit per Delta commit (a snapshot sync would commit one for both).
    const { before, afterAppend, afterResync } = incrementalInstants;
    expect(afterAppend.slice(0, before.length)).toEqual(before);
    expect(afterAppend.length - before.length).toBe(2);

    expect(third!.exitCode, third!.stderr.slice(-3000)).toBe(0);
    expect(third!.stdout).toContain(`✓ ${INCREMENTAL} → HUDI (up to date)`);
    expect(afterResync).toEqual(afterAppend);
    expect(incrementalTree.afterResync).toEqual(incrementalTree.afterAppend);

    const read = hudi[INCREMENTAL]!;
    expect(read.hudi).toEqual(deltalakeRows[INCREMENTAL]);
    expect(read.hudi).toHaveLength(6 + 4); // partitioned_string's 6 rows and two appends of 2
    expect(read.hudiFiles).toEqual(read.deltaFiles);
  });
});

describe("TIMESTAMP_NTZ and HUDI", () => {
  it("pipegen xtable run refuses a HUDI target for a TIMESTAMP_NTZ column before any JVM, naming it", async () => {
    const r = await run(["all_types"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^✗ refusing to translate the Delta table all_types \(.*\): timestampNtzHudi — the TIMESTAMP_NTZ column ts_ntz: XTable writes TIMESTAMP_NTZ to Hudi as Avro local-timestamp-micros/,
    );
    expect(r.stderr).not.toContain("│"); // no JVM output: none started
    expect(existsSync(join(path("all_types"), ".hoodie"))).toBe(false);
    // Iceberg alone is fine (real-runner.test.ts reads it back).
    expect((await run(["all_types"], ["ICEBERG"])).exitCode).toBe(0);
  });

  it("the runner alone (as the MWAA operator runs it) fails HUDI for it, and still syncs ICEBERG", async () => {
    const r = await execa(
      "java",
      ["-cp", `${RUNNER_DIR}/*`, "pipegen.xtable.Launcher", "--datasetConfig", await config(["all_types"])],
      { reject: false },
    );
    expect(r.exitCode).toBe(1);
    const result = JSON.parse(r.stdout.split("\n").at(-1)!.replace("pipegen-xtable-result: ", ""));
    expect(result.datasets).toMatchObject([
      { table: "all_types", format: "ICEBERG", status: "SUCCESS" },
      { table: "all_types", format: "HUDI", status: "FAILED" },
    ]);
    expect(result.datasets[1].error).toMatch(
      /^not synced to HUDI: the TIMESTAMP_NTZ column ts_ntz would make the Hudi table unreadable .* XTable was not run for HUDI\.$/,
    );
    expect(existsSync(join(path("all_types"), ".hoodie"))).toBe(false);
  });
});

describe("the runner's lib/", () => {
  it("carries Hudi's Java client and the HBase modules its metadata table needs, and no HBase server stack", () => {
    const jars = readdirSync(RUNNER_DIR);
    for (const prefix of ["hudi-java-client-0.14.0", "hbase-server-2.4.9", "kryo-shaded-4.0.2"])
      expect(jars.some((j) => j.startsWith(prefix))).toBe(true);
    for (const left of ["zookeeper", "jetty", "jersey", "hbase-zookeeper", "hbase-http", "rocksdb"])
      expect(jars.filter((j) => j.includes(left))).toEqual([]);
  });
});
