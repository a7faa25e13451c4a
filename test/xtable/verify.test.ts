/**
 * `pipegen xtable verify` against Delta tables written by a real Delta writer
 * (deltalake / delta-rs) in a temporary folder.
 *
 * The Iceberg side of every fixture is written by pyiceberg
 * (test/python/xtable_fixtures.py), NOT by XTable, so that verify's verdicts
 * are tested on translations whose every detail the test controls: pyiceberg
 * writes, without pipegen, what a correct translation must hold; the negative
 * cases change one thing in it. Rows are read back through pyiceberg and
 * through deltalake. verify on tables the real runner translated is in
 * real-runner.test.ts.
 */
import { cp, mkdir, mkdtemp, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertTranslatable, detectUnsupportedFeatures } from "../../src/xtable/delta-features.js";
import { DeltaTableError, UnsupportedDeltaFeatureError } from "../../src/xtable/errors.js";
import { readDeltaSnapshot, verifyTable } from "../../src/xtable/verify/index.js";
import { deltaFilePath, icebergFilePath } from "../../src/xtable/verify/paths.js";
import { pipegen, ROOT } from "../helpers/cli.js";
import { pythonJson } from "../helpers/python.js";
import { type JavaSafetyVerdict, javaSafetyCheck } from "../helpers/xtable.js";

interface Case {
  readonly path: string;
  readonly version: number;
  readonly rows?: { delta: unknown[]; iceberg: unknown[] };
}

interface Report {
  ok: boolean;
  delta: {
    version: number;
    files: number;
    records: number | null;
    checkpoint: { version: number; parts: number } | null;
  };
  iceberg: { metadataFile: string; files: number; records: number };
  checks: { check: string; ok: boolean; differences: string[] }[];
}

const BUILDER = `${ROOT}test/python/xtable_fixtures.py`;
let root: string;
let cases: Record<string, Case>;
/** The runner's safety check on every fixture, before any test damages one. */
let runnerVerdicts: Record<string, JavaSafetyVerdict>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "pipegen-xtable-verify-"));
  cases = (await pythonJson<{ cases: Record<string, Case> }>("delta", [BUILDER, "build", join(root, "fixtures")]))
    .cases;
  runnerVerdicts = await javaSafetyCheck(Object.values(cases).map((c) => c.path));
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function verify(path: string): Promise<{ exitCode: number; report: Report; stderr: string }> {
  const r = await pipegen(["xtable", "verify", path, "--json"]);
  if (r.stdout === "")
    throw new Error(`pipegen xtable verify ${path} printed no report (exit ${r.exitCode}):\n${r.stderr}`);
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

const differences = (report: Report) => report.checks.flatMap((c) => c.differences.map((d) => `${c.check}: ${d}`));

describe.concurrent("a correct translation passes, and Iceberg reads the same rows as Delta", () => {
  // Issue 3's matrix; every case is one real Delta table.
  const positive = [
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
    "escaped_paths",
    "catalog_naming",
  ];
  it.each(positive)("%s", async (name) => {
    const c = cases[name]!;
    const { exitCode, report } = await verify(c.path);
    expect(differences(report)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.delta.version).toBe(c.version);
    expect(report.iceberg.records).toBe(report.delta.records);
    expect(c.rows!.delta.length).toBeGreaterThan(0);
    expect(c.rows!.iceberg).toEqual(c.rows!.delta);
  });

  it("reads the checkpoint, then the commits after it", async () => {
    const { report } = await verify(cases.checkpoint!.path);
    expect(report.delta.checkpoint).toEqual({ version: 3, parts: 1 });
    expect((await verify(cases.multipart_checkpoint!.path)).report.delta.checkpoint).toEqual({ version: 3, parts: 2 });
  });

  it("finds metadata by version-hint.text, or by listing NNNNN-<uuid>.metadata.json", async () => {
    expect((await verify(cases.unpartitioned!.path)).report.iceberg.metadataFile).toMatch(
      /\/metadata\/v3\.metadata\.json$/,
    );
    expect((await verify(cases.catalog_naming!.path)).report.iceberg.metadataFile).toMatch(
      /\/metadata\/00002-[0-9a-f-]+\.metadata\.json$/,
    );
  });

  it("covers every common type, nested ones and NOT NULL", async () => {
    const snapshot = await readDeltaSnapshot(cases.all_types!.path);
    const types = Object.fromEntries(
      snapshot.schema.fields.map((f) => [f.name, typeof f.type === "string" ? f.type : f.type.type]),
    );
    expect(types).toMatchObject({
      id: "long",
      i: "integer",
      d: "double",
      dec: "decimal(10,2)",
      s: "string",
      b: "boolean",
      day: "date",
      ts: "timestamp",
      st: "struct",
      li: "array",
    });
    expect(snapshot.schema.fields.find((f) => f.name === "id")!.nullable).toBe(false);
  });

  it("prints a human report by default", async () => {
    const r = await pipegen(["xtable", "verify", cases.partitioned_date!.path]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/✓ files +5 active Delta files, 5 Iceberg data files/);
    expect(r.stdout).toMatch(/✓ partitionSpec +Delta: day; Iceberg: identity\(day\)/);
    expect(r.stdout).toContain("Iceberg metadata matches the Delta table.");
  });
});

describe.concurrent("a wrong translation fails, naming each difference", () => {
  const table: [name: string, check: string, difference: RegExp][] = [
    ["missing_file", "files", /^missing from Iceberg: region=\w+\/part-.*\.parquet \(active in Delta\)$/],
    ["extra_file", "files", /^extra in Iceberg: part-.*\.parquet \(not an active Delta file\)$/],
    ["wrong_type", "schema", /^column id: Delta long must be Iceberg long, found int$/],
    ["wrong_type", "schema", /^column amount: Delta double must be Iceberg double, found float$/],
    [
      "wrong_partition_spec",
      "partitionSpec",
      /^partition spec: Delta is partitioned by day, so Iceberg must be identity\(day\); found unpartitioned$/,
    ],
    [
      "wrong_partition_values",
      "partitionSpec",
      /^partition value of day=2024-01-0\d\/part-.*: day is "2024-01-0\d" in Delta, \d+ \(2024-01-0\d\) in Iceberg$/,
    ],
    ["wrong_record_count", "recordCount", /^total records: Delta 3, Iceberg manifests 4$/],
    ["wrong_record_count", "recordCount", /^records of part-.*\.parquet: Delta 3, Iceberg 4$/],
    [
      "stale_version",
      "sourceVersion",
      /^stale: Iceberg was synced from Delta version 3, the Delta table is at version 4$/,
    ],
    ["no_source_version", "sourceVersion", /^XTABLE_METADATA has no sourceIdentifier/],
    // Bounds as XTable 0.4.0 copies them from Spark's Delta statistics: cut to milliseconds.
    [
      "cut_timestamp_bound",
      "columnBounds",
      /^upper bound of ts in part-.*\.parquet is 2024-01-01T12:00:00\.123000Z, below the largest value 2024-01-01T12:00:00\.123456Z: filters would skip rows$/,
    ],
  ];
  it.each(table)("%s → %s: %s", async (name, check, difference) => {
    const r = await pipegen(["xtable", "verify", cases[name]!.path, "--json"]);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.ok).toBe(false);
    const failed = report.checks.find((c) => c.check === check)!;
    expect(failed.ok).toBe(false);
    expect(
      failed.differences.some((d) => difference.test(d)),
      failed.differences.join("\n"),
    ).toBe(true);
    // Only the mutated aspect differs (a missing or extra file also changes the record count).
    const others = report.checks.filter((c) => !c.ok && c.check !== check).map((c) => c.check);
    expect(others).toEqual(["missing_file", "extra_file"].includes(name) ? ["recordCount"] : []);
    expect(r.stderr).toMatch(
      new RegExp(`^✗ .*${name}: \\d+ differences? between the Delta log and the Iceberg metadata \\(.*${check}.*\\)$`),
    );
  });

  it("the human report lists every difference", async () => {
    const r = await pipegen(["xtable", "verify", cases.wrong_type!.path]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("✗ schema");
    expect(r.stdout).toContain("- column id: Delta long must be Iceberg long, found int");
    expect(r.stdout).toContain("2 differences between the Delta table and its Iceberg metadata.");
  });
});

describe.concurrent("Delta features XTable mistranslates", () => {
  const table: [name: string, feature: string, detail: RegExp][] = [
    // delta-rs (a real writer) turns the feature on; it still deletes by rewriting files.
    [
      "dv_enabled",
      "deletionVectors",
      /deletion vectors are enabled \(delta\.enableDeletionVectors=true, table feature deletionVectors\)/,
    ],
    // Hand-edited log: no writer installable here writes deletion vectors (see make_dv_file).
    ["dv_file", "deletionVectors", /^1 active data file has a deletion vector \(part-.*\.parquet\)/],
    ["generated", "generatedColumns", /^generated column twice \(id \* 2\): XTable drops generated columns/],
    ["column_mapping", "columnMapping", /^column mapping mode 'name'/],
    ["small_ints", "smallIntegers", /^columns tiny \(TINYINT\), small \(SMALLINT\)/],
    ["escaped_paths", "escapedPaths", /^3 active data files have a percent-escaped path/],
    // Hand-edited log: a variant column (make_variant).
    ["variant", "unsupportedTypes", /^column payload \(variant\): no Iceberg type in XTable's mapping$/],
  ];
  it.each(table)("%s: the library finds %s", async (name, feature, detail) => {
    const found = detectUnsupportedFeatures(await readDeltaSnapshot(cases[name]!.path));
    expect(found.map((f) => f.feature)).toEqual([feature]);
    expect(found[0]!.detail).toMatch(detail);
    await expect(assertTranslatable(cases[name]!.path)).rejects.toBeInstanceOf(UnsupportedDeltaFeatureError);
  });

  it.each(["dv_enabled", "dv_file", "generated", "column_mapping"])(
    "%s: verify reports it even though the files match",
    async (name) => {
      const { exitCode, report } = await verify(cases[name]!.path);
      expect(exitCode).toBe(1);
      expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(["deltaFeatures"]);
    },
  );

  it("tables without such features pass the check", async () => {
    for (const name of ["unpartitioned", "all_types", "merge", "checkpoint"])
      expect(detectUnsupportedFeatures(await readDeltaSnapshot(cases[name]!.path))).toEqual([]);
  });
});

describe("one definition of what is refused: the runner's check and this library agree", () => {
  it("on every deltalake fixture: the same features, in the same order, with the same words", async () => {
    const names = Object.keys(cases).sort();
    expect(names.length).toBeGreaterThan(25);
    for (const name of names) {
      const ts = detectUnsupportedFeatures(await readDeltaSnapshot(cases[name]!.path));
      const java = runnerVerdicts[cases[name]!.path]!;
      expect({ name, error: java.error }).toEqual({ name, error: undefined });
      expect({ name, refusals: java.refusals }).toEqual({ name, refusals: ts.map((f) => ({ ...f })) });
    }
    // Not vacuous: the fixtures cover the features a deltalake table can have.
    const refused = new Set(Object.values(runnerVerdicts).flatMap((v) => v.refusals!.map((r) => r.feature)));
    expect([...refused].sort()).toEqual(
      [
        "columnMapping",
        "deletionVectors",
        "escapedPaths",
        "generatedColumns",
        "smallIntegers",
        "unsupportedTypes",
      ].sort(),
    );
  });
});

describe.concurrent("bad input: one clear paragraph, exit 1, nothing on stdout", () => {
  let n = 0;
  /** A damaged copy of a fixture. */
  async function damaged(name: string, damage: (table: string) => Promise<void>): Promise<string> {
    const table = join(root, "damaged", `${name}-${n++}`);
    await mkdir(join(root, "damaged"), { recursive: true });
    await cp(cases[name]!.path, table, { recursive: true });
    await damage(table);
    return table;
  }
  const log = (table: string, file: string) => join(table, "_delta_log", file);
  const commit = (v: number) => `${String(v).padStart(20, "0")}.json`;

  const table: [what: string, make: () => Promise<string>, message: RegExp][] = [
    ["a path that does not exist", async () => join(root, "nope"), /is not a Delta table: .*nope does not exist\.$/],
    [
      "a folder without _delta_log",
      async () => damaged("unpartitioned", (t) => rm(join(t, "_delta_log"), { recursive: true })),
      /is not a Delta table: it has no _delta_log folder\./,
    ],
    [
      "an empty _delta_log",
      async () =>
        damaged("unpartitioned", async (t) => {
          await rm(join(t, "_delta_log"), { recursive: true });
          await mkdir(join(t, "_delta_log"));
        }),
      /has no commit .* and no checkpoint\.$/,
    ],
    [
      "a truncated commit",
      async () => damaged("appends", (t) => truncate(log(t, commit(2)), 100)),
      /the Delta log is corrupt: .*00000000000000000002\.json line 1 is not a valid action/,
    ],
    [
      "a missing commit",
      async () => damaged("appends", (t) => rm(log(t, commit(1)))),
      /the Delta log of .* is incomplete: commit 1 is missing and it has no checkpoint to start from/,
    ],
    [
      "a commit missing after a checkpoint",
      async () => damaged("checkpoint", (t) => rm(log(t, commit(4)))),
      /commit 4 is missing after its checkpoint at version 3/,
    ],
    [
      "a garbage checkpoint",
      async () =>
        damaged("checkpoint", (t) =>
          writeFile(log(t, "00000000000000000003.checkpoint.parquet"), "not parquet at all"),
        ),
      /the Delta checkpoint .*checkpoint\.parquet is corrupt: it cannot be read as Parquet/,
    ],
    [
      "a garbage _last_checkpoint",
      async () => damaged("checkpoint", (t) => writeFile(log(t, "_last_checkpoint"), "{oops")),
      /the Delta log is corrupt: .*_last_checkpoint is not valid JSON/,
    ],
    [
      "an unreadable commit",
      async () =>
        damaged("appends", async (t) => {
          await rm(log(t, commit(3)));
          await mkdir(log(t, commit(3)));
        }),
      /cannot read the Delta log file .*00000000000000000003\.json: EISDIR/,
    ],
    [
      "no Iceberg metadata",
      async () => damaged("unpartitioned", (t) => rm(join(t, "metadata"), { recursive: true })),
      /^✗ no Iceberg metadata: .*\/metadata does not exist\. Sync the table first/,
    ],
    [
      "a corrupt manifest",
      // In place: Iceberg metadata holds absolute paths, so a copy would still read the original manifests.
      async () => {
        const t = cases.spare!.path;
        const manifest = (await readdir(join(t, "metadata"))).find((f) => /-m0\.avro$/.test(f))!;
        await truncate(join(t, "metadata", manifest), 30);
        return t;
      },
      /the Iceberg manifest .*-m0\.avro is corrupt/,
    ],
  ];
  it.each(table)("%s", async (_what, make, message) => {
    const r = await pipegen(["xtable", "verify", await make()]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the library throws DeltaTableError", async () => {
    await expect(verifyTable(join(root, "nope"))).rejects.toBeInstanceOf(DeltaTableError);
  });
});

describe("path normalisation", () => {
  const t = "/lake/sales";
  it.each([
    ["relative", "part-0.parquet", "/lake/sales/part-0.parquet"],
    ["percent-encoded once", "region=north%2520east/p.parquet", "/lake/sales/region=north%20east/p.parquet"],
    ["file:/ URI", "file:/lake/sales/a%20b.parquet", "/lake/sales/a b.parquet"],
    ["file:/// URI", "file:///lake/sales/x.parquet", "/lake/sales/x.parquet"],
    ["s3 URI kept", "s3://bucket/x.parquet", "s3://bucket/x.parquet"],
  ])("Delta %s", (_what, logPath, want) => expect(deltaFilePath(t, logPath)).toBe(want));
  it.each([
    ["plain", "/lake/sales/x.parquet", "/lake/sales/x.parquet"],
    ["file:", "file:/lake/sales/x.parquet", "/lake/sales/x.parquet"],
    ["file://", "file:///lake/sales/x.parquet", "/lake/sales/x.parquet"],
    ["file://localhost", "file://localhost/lake/sales/x.parquet", "/lake/sales/x.parquet"],
    [
      "% kept literally, as HadoopFileIO does",
      "file:/lake/sales/region=a%20b/x.parquet",
      "/lake/sales/region=a%20b/x.parquet",
    ],
    ["relative", "data/x.parquet", "/lake/sales/data/x.parquet"],
  ])("Iceberg %s", (_what, location, want) => expect(icebergFilePath(t, location)).toBe(want));
});
