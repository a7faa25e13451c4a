/**
 * `pipegen xtable run` with the real runner (jars/target/lib, Apache XTable
 * 0.4.0 built from its source release by the global setup) on Delta tables
 * written by deltalake (delta-rs): every case syncs, `pipegen xtable verify`
 * passes, and pyiceberg reads the same sorted rows as the Delta reader.
 *
 * Java is started through a wrapper that records each start and then runs the
 * real JVM, so a test can tell whether a JVM started at all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { pipegen, ROOT } from "../helpers/cli.js";
import { pythonJson } from "../helpers/python.js";
import { RUNNER_DIR } from "../helpers/xtable.js";

const FIXTURES = `${ROOT}test/python/xtable_fixtures.py`;

/** Issue 11's matrix: deltalake-written tables, one per Delta shape. */
const MATRIX = [
  "unpartitioned",
  "partitioned_date",
  "partitioned_string",
  "appends",
  "overwrite",
  "delete",
  "merge",
  "schema_evolution",
  "all_types",
  "checkpoint",
  "multipart_checkpoint",
] as const;

interface Rows {
  delta: unknown[];
  iceberg: unknown[];
}

let root: string;
let javaHome: string;
let javaStarts: string;
let tables: Record<string, { path: string; version: number }>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipegen-xtable-real-"));
  // A JAVA_HOME whose java records that it started, then runs the real one.
  const realJava = (await execa("bash", ["-c", 'readlink -f "$(command -v java)"'])).stdout.trim();
  javaHome = join(root, "jdk");
  javaStarts = join(root, "java-starts");
  await mkdir(join(javaHome, "bin"), { recursive: true });
  await writeFile(
    join(javaHome, "bin", "java"),
    `#!/bin/sh\necho started >> '${javaStarts}'\nexec '${realJava}' "$@"\n`,
  );
  await chmod(join(javaHome, "bin", "java"), 0o755);
  tables = (
    await pythonJson<{ cases: typeof tables }>("delta", [
      FIXTURES,
      "delta",
      join(root, "tables"),
      [...MATRIX, "incremental=partitioned_string", "dv=dv_file", "corrupt=appends", "future=unpartitioned"].join(","),
    ])
  ).cases;
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

let configs = 0;
async function datasetConfig(names: readonly string[], targetFormats = ["ICEBERG"]): Promise<string> {
  const file = join(root, `dataset-${configs++}.yaml`);
  await writeFile(
    file,
    YAML.stringify({
      sourceFormat: "DELTA",
      targetFormats,
      datasets: names.map((n) => ({ tableBasePath: tables[n]!.path, tableName: n })),
    }),
  );
  return file;
}

const run = (config: string) =>
  pipegen(["xtable", "run", "--config", config, "--runner", RUNNER_DIR], {
    env: { JAVA_HOME: javaHome, PIPEGEN_XTABLE_RUNNER: "" },
  });
const jvmStarts = () => (existsSync(javaStarts) ? readFileSync(javaStarts, "utf8").split("\n").length - 1 : 0);

async function rowsOf(names: readonly string[]): Promise<Record<string, Rows>> {
  const byPath = await pythonJson<Record<string, Rows>>("delta", [
    FIXTURES,
    "rows",
    ...names.map((n) => tables[n]!.path),
  ]);
  return Object.fromEntries(names.map((n) => [n, byPath[tables[n]!.path]!]));
}

async function verify(name: string) {
  const r = await pipegen(["xtable", "verify", tables[name]!.path, "--json"]);
  return { exitCode: r.exitCode, stderr: r.stderr, report: JSON.parse(r.stdout || "{}") };
}

/** The Iceberg table's current metadata, as HadoopTables wrote it. */
function icebergMetadata(name: string) {
  const dir = join(tables[name]!.path, "metadata");
  const version = readFileSync(join(dir, "version-hint.text"), "utf8").trim();
  return JSON.parse(readFileSync(join(dir, `v${version}.metadata.json`), "utf8")) as {
    "current-snapshot-id": number;
    snapshots: { "snapshot-id": number; summary: Record<string, string> }[];
  };
}

const sourceVersion = (summary: Record<string, string>) =>
  JSON.parse(summary.XTABLE_METADATA ?? "{}").sourceIdentifier as string | undefined;

describe("the Delta feature matrix, synced by the real runner", () => {
  let rows: Record<string, Rows>;
  let syncOutput: { exitCode: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const before = jvmStarts();
    syncOutput = await run(await datasetConfig(MATRIX));
    expect(jvmStarts()).toBe(before + 1);
    rows = await rowsOf(MATRIX);
  }, 300_000);

  it("pipegen xtable run exits 0, every table synced by a snapshot sync", () => {
    expect(syncOutput.exitCode, syncOutput.stderr).toBe(0);
    expect(syncOutput.stdout.split("\n")).toEqual([
      ...MATRIX.map((n) => `✓ ${n} → ICEBERG (full)`),
      `✓ ${MATRIX.length} syncs succeeded`,
    ]);
  });

  it.each(MATRIX)("%s: pipegen xtable verify exits 0 and pyiceberg reads the Delta rows", async (name) => {
    const { exitCode, report } = await verify(name);
    const differences = report.checks.flatMap((c: { differences: string[] }) => c.differences);
    expect(differences).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.delta.version).toBe(tables[name]!.version);
    const { delta, iceberg } = rows[name]!;
    expect(delta.length).toBeGreaterThan(0);
    expect(iceberg).toEqual(delta);
  });

  it("all_types holds decimal, timestamp, timestamp_ntz, struct, list and map columns", () => {
    const row = (rows.all_types!.iceberg as Record<string, unknown>[]).find((r) => r.id === 1)!;
    expect(Object.keys(row).sort()).toEqual(
      ["b", "bin", "d", "day", "dec", "f", "i", "id", "li", "m", "s", "st", "ts", "ts_ntz"].sort(),
    );
    expect(row).toMatchObject({ dec: "0.25", ts: "2024-01-01T12:01:00+00:00", st: { x: 1, y: "y1" }, li: [1, 2] });
  });
});

describe("incremental sync", () => {
  const name = "incremental";
  const listing = () => {
    const dir = join(tables[name]!.path, "metadata");
    return readdirSync(dir)
      .sort()
      .map((f) => `${f} ${statSync(join(dir, f)).mtimeMs}`);
  };

  it("new Delta commits become one new Iceberg snapshot each, with the same rows; a re-sync changes nothing", async () => {
    const config = await datasetConfig([name]);
    const first = await run(config);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain(`✓ ${name} → ICEBERG (full)`);
    const before = icebergMetadata(name).snapshots.length;

    const { version } = JSON.parse(
      (await execa(`${ROOT}.cache/venvs/delta/bin/python`, [FIXTURES, "append", tables[name]!.path, "2"])).stdout,
    ) as { version: number };
    expect(version).toBe(tables[name]!.version + 2);
    tables[name]!.version = version;

    const second = await run(config);
    expect(second.exitCode, second.stderr).toBe(0);
    // XTable says which mode it used (SyncResult.mode), and the runner passes it on.
    expect(second.stdout).toContain(`✓ ${name} → ICEBERG (incremental)`);
    expect(second.stderr).not.toContain("FULL snapshot sync after the incremental sync failed");
    // An incremental sync commits one Iceberg snapshot per Delta commit, each naming its Delta
    // version and adding only that commit's files; a snapshot sync would commit one for both.
    const after = icebergMetadata(name).snapshots;
    const added = after.slice(before);
    expect(added.map((s) => sourceVersion(s.summary))).toEqual([String(version - 1), String(version)]);
    for (const s of added) {
      expect(s.summary.operation).toBe("append");
      expect(Number(s.summary["added-data-files"])).toBeGreaterThan(0);
      expect(s.summary["deleted-data-files"]).toBeUndefined();
    }
    expect(icebergMetadata(name)["current-snapshot-id"]).toBe(added.at(-1)!["snapshot-id"]);
    expect((await verify(name)).exitCode).toBe(0);
    const { delta, iceberg } = (await rowsOf([name]))[name]!;
    expect(iceberg).toEqual(delta);

    // Nothing new: the runner says so, and not one metadata file is written.
    const files = listing();
    const third = await run(config);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(third.stdout).toContain(`✓ ${name} → ICEBERG (up to date)`);
    expect(listing()).toEqual(files);
    expect((await verify(name)).exitCode).toBe(0);
  });
});

describe("failures", () => {
  it("a deletion-vector table is refused before any JVM starts", async () => {
    const before = jvmStarts();
    const r = await run(await datasetConfig(["dv", "unpartitioned"]));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^✗ refusing to translate the Delta table dv \(.*\/dv\): deletionVectors — /);
    expect(r.stderr).toContain("nothing was synced.");
    expect(jvmStarts()).toBe(before);
    expect(existsSync(join(tables.dv!.path, "metadata"))).toBe(false);
  });

  it("a corrupt Delta log fails clearly, in one paragraph, before any JVM starts", async () => {
    const before = jvmStarts();
    await truncate(join(tables.corrupt!.path, "_delta_log", "00000000000000000002.json"), 40);
    const r = await run(await datasetConfig(["corrupt"]));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^✗ the Delta log is corrupt: .*corrupt\/_delta_log\/00000000000000000002\.json line 1 is not a valid action/,
    );
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(jvmStarts()).toBe(before);
  });

  it("a table XTable fails on: the runner exits 1, and so does pipegen, naming the table and format", async () => {
    // A reader feature this Delta Kernel does not know: pipegen's checks pass it, XTable refuses it.
    const log = join(tables.future!.path, "_delta_log", "00000000000000000001.json");
    await writeFile(
      log,
      [
        { commitInfo: { timestamp: 1_700_000_000_000, operation: "SET TBLPROPERTIES" } },
        {
          protocol: {
            minReaderVersion: 3,
            minWriterVersion: 7,
            readerFeatures: ["pipegenFutureFeature"],
            writerFeatures: ["pipegenFutureFeature"],
          },
        },
      ]
        .map((a) => JSON.stringify(a))
        .join("\n"),
    );
    const before = jvmStarts();
    const r = await run(await datasetConfig(["future", "partitioned_date"]));
    expect(jvmStarts()).toBe(before + 1);
    expect(r.exitCode).toBe(1);
    // The runner's own line and exit code, streamed by pipegen: its safety check cannot read
    // the table (Delta Kernel refuses the unknown feature), so nothing is synced for it.
    expect(r.stderr).toMatch(
      /│ pipegen-xtable: future DELTA -> ICEBERG: FAILED \(.*\): cannot read the Delta table at .*\/future to check it for features XTable mistranslates, so nothing was synced: UnsupportedTableFeatureException/,
    );
    expect(r.stderr).toMatch(/│ pipegen-xtable: partitioned_date DELTA -> ICEBERG: SUCCESS/);
    const verdict = r.stderr.split("\n").at(-1)!;
    expect(verdict).toMatch(
      /^✗ XTable sync failed: failed: future \(ICEBERG\): cannot read the Delta table at .*: UnsupportedTableFeatureException: Unsupported Delta table feature: table requires feature "pipegenFutureFeature".*; the JVM exited with code 1\.$/,
    );
    expect(existsSync(join(tables.future!.path, "metadata"))).toBe(false);
    expect(r.stdout).toBe("");
  });
});
