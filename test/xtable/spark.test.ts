/**
 * Delta tables written the way AWS Glue writes them (Apache Spark 3.5 +
 * Delta Lake 3.3, test/python/spark_fixtures.py), synced by the real runner
 * and read back by Spark's own Iceberg reader and by pyiceberg; and the six
 * defects found on such tables, each with the test that shows its fix.
 *
 * Spark is slow to start on two cores, so one session writes every table
 * (cached: test/helpers/spark.ts) and one more reads everything back and runs VACUUM.
 */
import { existsSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { detectUnsupportedFeatures } from "../../src/xtable/delta-features.js";
import { readDeltaSnapshot } from "../../src/xtable/verify/delta-log.js";
import { pipegen, ROOT } from "../helpers/cli.js";
import { pythonJson, venvBin } from "../helpers/python.js";
import { SPARK_FIXTURES as SPARK, sparkJars, sparkTables } from "../helpers/spark.js";
import { type JavaSafetyVerdict, javaSafetyCheck, RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;
/** Synced, verified and read back. */
const SYNCED = ["spark_basic", "spark_ts_bounds", "spark_cdf", "spark_v2_checkpoint"] as const;
/** Synced, then VACUUMed: with RETAIN 168 HOURS, RETAIN 0 HOURS, and LITE RETAIN 0 HOURS. */
const VACUUMED = ["spark_vacuum_partial", "spark_vacuum_all", "spark_vacuum_lite"] as const;
/** Refused by the runner itself and by pipegen xtable run. */
const REFUSED = ["spark_dv", "spark_column_mapping"] as const;

interface Rows {
  /** null when the reader cannot read the table (deltalake and v2 checkpoints). */
  delta: unknown[] | null;
  iceberg: unknown[];
  tsProbe?: { filter: string; delta: number; iceberg: number };
}

let root: string;
let jars: string;
let path: (name: string) => string;
let sparkRows: Record<string, Rows>;
/** The runner's safety check on every Spark-written table, before anything is synced. */
let runnerVerdicts: Record<string, JavaSafetyVerdict>;
let allTables: string[];
let pyicebergRows: Record<string, Rows>;
const outputs: Record<string, { exitCode: number; stdout: string; stderr: string }> = {};

async function config(names: readonly string[]): Promise<string> {
  const file = join(root, `${names.join("-")}.yaml`);
  await writeFile(
    file,
    YAML.stringify({
      sourceFormat: "DELTA",
      targetFormats: ["ICEBERG"],
      datasets: names.map((n) => ({ tableBasePath: path(n), tableName: n })),
    }),
  );
  return file;
}

const run = async (names: readonly string[]) =>
  pipegen(["xtable", "run", "--config", await config(names), "--runner", RUNNER_DIR]);

/** The runner started directly, as the MWAA operator starts it; its exit code and result line. */
async function launcher(names: readonly string[]) {
  const r = await execa(
    "java",
    ["-cp", `${RUNNER_DIR}/*`, "pipegen.xtable.Launcher", "--datasetConfig", await config(names)],
    { reject: false },
  );
  const last = r.stdout.split("\n").at(-1)!;
  expect(last).toMatch(/^pipegen-xtable-result: /);
  return { exitCode: r.exitCode, stdout: r.stdout, result: JSON.parse(last.replace("pipegen-xtable-result: ", "")) };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipegen-xtable-spark-"));
  jars = await sparkJars();
  // With their timestamps: Delta (and XTable's incremental check) take commit times from them.
  await cp(await sparkTables(jars), join(root, "tables"), { recursive: true, preserveTimestamps: true });
  path = (name) => join(root, "tables", name);
  allTables = readdirSync(join(root, "tables")).sort();
  runnerVerdicts = await javaSafetyCheck(allTables.map(path));

  // One JVM syncs every table that should sync, and the VACUUM tables for the first time.
  outputs.synced = await run([...SYNCED, ...VACUUMED]);
  // The first sync's manifests are a week old (as on a table synced long ago); its
  // current metadata file is new. VACUUM RETAIN 168 HOURS then deletes the manifests only.
  const weekAgo = new Date(Date.now() - 8 * 86_400_000);
  for (const table of ["spark_vacuum_partial", "spark_vacuum_lite"]) {
    const metadata = join(path(table), "metadata");
    for (const f of readdirSync(metadata).filter((f) => f.endsWith(".avro")))
      utimesSync(join(metadata, f), weekAgo, weekAgo);
  }

  // One Spark session reads back with Spark's Delta and Iceberg readers, then VACUUMs.
  const read = await execa(
    venvBin("spark", "python"),
    [
      SPARK,
      "read",
      jars,
      ...SYNCED.map(path),
      "--vacuum",
      `${path("spark_vacuum_partial")}=168`,
      "--vacuum",
      `${path("spark_vacuum_all")}=0`,
      "--vacuum",
      `${path("spark_vacuum_lite")}=0:lite`,
    ],
    { reject: false },
  );
  if (read.exitCode !== 0)
    throw new Error(`spark_fixtures.py read exited ${read.exitCode}:\n${read.stderr.slice(-4000)}`);
  // The JVM prints to the same stdout (VACUUM's "Deleted N files"): the JSON is the last line.
  const byPath = JSON.parse(read.stdout.trim().split("\n").at(-1)!) as Record<string, Rows>;
  sparkRows = Object.fromEntries(SYNCED.map((n) => [n, byPath[path(n)]!]));
  pyicebergRows = await pythonJson<Record<string, Rows>>("delta", [FIXTURES, "rows", ...SYNCED.map(path)]).then(
    (byPath) => Object.fromEntries(SYNCED.map((n) => [n, byPath[path(n)]!])),
  );
}, 1_200_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("Spark-written tables", () => {
  it("sync with the real runner: pipegen xtable run exits 0", () => {
    expect(outputs.synced!.exitCode, outputs.synced!.stderr.slice(-3000)).toBe(0);
    for (const n of [...SYNCED, ...VACUUMED]) expect(outputs.synced!.stdout).toContain(`✓ ${n} → ICEBERG (full)`);
  });

  it.each(SYNCED)("%s: verify exits 0; Spark's Iceberg reader and pyiceberg read the Delta rows", async (name) => {
    const r = await pipegen(["xtable", "verify", path(name), "--json"]);
    const report = JSON.parse(r.stdout);
    expect(report.checks.flatMap((c: { differences: string[] }) => c.differences)).toEqual([]);
    expect(r.exitCode).toBe(0);
    const spark = sparkRows[name]!;
    expect(spark.delta!.length).toBeGreaterThan(0);
    expect(spark.iceberg).toEqual(spark.delta);
    const py = pyicebergRows[name]!;
    if (name === "spark_v2_checkpoint") {
      // deltalake 1.6 cannot read v2 checkpoints: pyiceberg's rows against Spark's Delta read
      // (plain ids and strings, which both render alike).
      expect(py.delta).toBeNull();
      expect(py.iceberg).toEqual(spark.delta);
    } else {
      expect(py.delta).toHaveLength(spark.delta!.length);
      expect(py.iceberg).toEqual(py.delta);
    }
  });
});

describe("the defects found on Spark-written tables", () => {
  it("1. a timestamp filter at the largest value finds its row through both Iceberg readers", async () => {
    // Spark's Delta statistics cut 12:00:00.123456 to 12:00:00.123; copied as the
    // Iceberg upper bound, the filter below skipped the file (0 rows).
    for (const rows of [sparkRows.spark_ts_bounds!, pyicebergRows.spark_ts_bounds!]) {
      expect(rows.tsProbe!.filter).toMatch(/2024-01-01[ T]12:00:00\.123456/);
      expect(rows.tsProbe!.delta).toBe(1);
      expect(rows.tsProbe!.iceberg).toBe(1);
    }
    expect(sparkRows.spark_basic!.tsProbe).toMatchObject({ delta: 1, iceberg: 1 });
  });

  it("2. timestamp_ntz with Spark's zone-less statistics is refused before any JVM, naming the column", async () => {
    const r = await run(["spark_ts_ntz"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^✗ refusing to translate the Delta table spark_ts_ntz \(.*\): timestampNtzStats — the Delta statistics of the TIMESTAMP_NTZ column ts_ntz \(e\.g\. "2024-03-1\dT\d\d:\d\d:\d\d(\.\d+)?" in part-.*\) have no zone/,
    );
    expect(r.stderr).not.toContain("│"); // no JVM output: none started
    expect(existsSync(join(path("spark_ts_ntz"), "metadata"))).toBe(false);
  });

  it("2. the runner alone (as the MWAA operator runs it) refuses it too, naming the column", async () => {
    const { exitCode, result } = await launcher(["spark_ts_ntz"]);
    expect(exitCode).toBe(1);
    expect(result.datasets[0]).toMatchObject({ table: "spark_ts_ntz", status: "REFUSED" });
    expect(result.datasets[0].refusals.map((f: { feature: string }) => f.feature)).toEqual(["timestampNtzStats"]);
    expect(result.datasets[0].error).toMatch(
      /^refusing to translate the Delta table spark_ts_ntz \(.*\): timestampNtzStats — the Delta statistics of the TIMESTAMP_NTZ column ts_ntz/,
    );
    expect(existsSync(join(path("spark_ts_ntz"), "metadata"))).toBe(false);
  });

  it("3. after VACUUM deleted manifests the table still uses, a sync fails naming VACUUM; verify fails too", async () => {
    const table = path("spark_vacuum_partial");
    expect(readdirSync(join(table, "metadata")).filter((f) => f.endsWith(".avro"))).toEqual([]);
    expect(existsSync(join(table, "metadata", "version-hint.text"))).toBe(true);
    const r = await run(["spark_vacuum_partial"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    const verdict = r.stderr.split("\n").at(-1)!;
    expect(verdict).toMatch(
      /^✗ XTable sync failed: failed: spark_vacuum_partial \(ICEBERG\): the Iceberg table of spark_vacuum_partial \(.*\/metadata\) cannot be read: .*Delta's VACUUM deletes them .* Nothing was synced\. Run VACUUM \.\.\. LITE/,
    );
    const v = await pipegen(["xtable", "verify", table]);
    expect(v.exitCode).toBe(1);
    expect(v.stderr).toMatch(/cannot read the Iceberg manifest list .*ENOENT/);
  });

  it("3. after VACUUM RETAIN 0 HOURS removed all of metadata/, the next sync rebuilds a readable table", async () => {
    const table = path("spark_vacuum_all");
    expect(readdirSync(join(table, "metadata"))).toEqual([]); // VACUUM leaves the empty folder

    const r = await run(["spark_vacuum_all"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain("✓ spark_vacuum_all → ICEBERG (full)"); // a snapshot sync: history starts again
    expect((await pipegen(["xtable", "verify", table])).exitCode).toBe(0);
    const rows = (await pythonJson<Record<string, Rows>>("delta", [FIXTURES, "rows", table]))[table]!;
    expect(rows.iceberg).toEqual(rows.delta);
  });

  it("3. VACUUM LITE (the README's advice) keeps the Iceberg metadata, and the next sync is incremental", async () => {
    const table = path("spark_vacuum_lite");
    expect(readdirSync(join(table, "metadata")).filter((f) => f.endsWith(".avro"))).toHaveLength(2);
    const r = await run(["spark_vacuum_lite"]);
    expect(r.exitCode, r.stderr).toBe(0);
    // VACUUM LITE records its start and end as Delta commits without data changes.
    expect(r.stdout).toContain("✓ spark_vacuum_lite → ICEBERG (incremental)");
    expect((await pipegen(["xtable", "verify", table])).exitCode).toBe(0);
  });

  it("4. change data feed: pyiceberg reads the UPDATE/MERGE files (their _change_type is mapped)", () => {
    const metadata = join(path("spark_cdf"), "metadata");
    const hint = readFileSync(join(metadata, "version-hint.text"), "utf8").trim();
    const properties = JSON.parse(readFileSync(join(metadata, `v${hint}.metadata.json`), "utf8")).properties;
    const mapping = JSON.parse(properties["schema.name-mapping.default"]) as { names: string[] }[];
    expect(mapping.map((f) => f.names[0])).toEqual([
      "id",
      "name",
      "_change_type",
      "_commit_version",
      "_commit_timestamp",
    ]);
    expect(pyicebergRows.spark_cdf!.iceberg).toEqual(pyicebergRows.spark_cdf!.delta);
    expect(pyicebergRows.spark_cdf!.delta).toHaveLength(4);
  });

  it("5. a v2 checkpoint with sidecars, its older commits cleaned up, is read", async () => {
    const log = readdirSync(join(path("spark_v2_checkpoint"), "_delta_log"));
    expect(log.some((f) => /^\d{20}\.checkpoint\.[0-9a-f-]{36}\.json$/.test(f))).toBe(true);
    expect(log).not.toContain("00000000000000000000.json");
    const r = await pipegen(["xtable", "verify", path("spark_v2_checkpoint"), "--json"]);
    expect(JSON.parse(r.stdout).delta.checkpoint).toEqual({ version: 3, parts: 1 });
  });

  it("6. the refusal of percent-escaped paths quotes the path as the Delta log holds it", async () => {
    const r = await run(["spark_escaped"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /escapedPaths — 1 active data file has a percent-escaped path in the Delta log \(city=New%20York\/part-[^)]*\.parquet\)/,
    );
  });
});

describe("unsafe Spark-written tables are refused wherever the sync runs", () => {
  it("one definition: the runner's check and pipegen's give the same features and words on every table", async () => {
    expect(allTables).toEqual(expect.arrayContaining([...SYNCED, ...VACUUMED, ...REFUSED, "spark_ts_ntz"]));
    for (const name of allTables) {
      const ts = detectUnsupportedFeatures(await readDeltaSnapshot(path(name)));
      const java = runnerVerdicts[path(name)]!;
      expect({ name, error: java.error }).toEqual({ name, error: undefined });
      expect({ name, refusals: java.refusals }).toEqual({ name, refusals: ts.map((f) => ({ ...f })) });
    }
    const refused = Object.fromEntries(
      allTables.map((n) => [n, runnerVerdicts[path(n)]!.refusals!.map((r) => r.feature)]),
    );
    expect(refused).toMatchObject({
      spark_dv: ["deletionVectors"],
      spark_column_mapping: ["columnMapping"],
      spark_ts_ntz: ["timestampNtzStats"],
      spark_escaped: ["escapedPaths"],
      spark_basic: [],
    });
  });

  it("the runner alone refuses the deletion-vector and column-mapping tables: REFUSED, exit 1, nothing written", async () => {
    // The issue's reproduction: 100 rows inserted, 15 deleted by deletion vectors. Before the
    // runner checked, it printed SUCCESS and its Iceberg table read 100 rows.
    const deletionVector = readdirSync(path("spark_dv")).filter((f) => f.startsWith("deletion_vector_"));
    expect(deletionVector.length).toBeGreaterThan(0);
    const { exitCode, stdout, result } = await launcher(REFUSED);
    expect(exitCode).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.datasets.map((d: { table: string; status: string }) => [d.table, d.status])).toEqual([
      ["spark_dv", "REFUSED"],
      ["spark_column_mapping", "REFUSED"],
    ]);
    expect(stdout).toMatch(/^pipegen-xtable: spark_dv DELTA -> ICEBERG: REFUSED \(.*\): refusing to translate/m);
    for (const name of REFUSED) expect(existsSync(join(path(name), "metadata"))).toBe(false);

    // pipegen xtable run refuses the same tables, before any JVM, with the same reasons.
    for (const [i, name] of REFUSED.entries()) {
      const local = await run([name]);
      expect(local.exitCode).toBe(1);
      expect(local.stderr).not.toContain("│");
      const reasons = result.datasets[i].refusals.map(
        (f: { feature: string; detail: string }) => `${f.feature} — ${f.detail}`,
      );
      expect(reasons).toHaveLength(1);
      expect(local.stderr).toBe(`✗ ${result.datasets[i].error}`);
      expect(local.stderr).toContain(reasons[0]);
    }
  });
});
