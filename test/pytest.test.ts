/**
 * The Python suites, run by pytest inside each Airflow venv: the XTable
 * operator shipped in the golden bundle (config files, the JVM command line,
 * failure detection, a full dag.test() run, and a dag.test() run against the
 * real XTable runner) and the DAG inspector itself.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { pythonJson, venvBin } from "./helpers/python.js";
import { RUNNER_DIR } from "./helpers/xtable.js";

let tables: string;

beforeAll(async () => {
  // Delta tables for test_real_runner.py, written by deltalake: "good" syncs, and
  // "failing" names a reader feature that Delta Kernel (inside XTable) refuses.
  tables = await mkdtemp(join(tmpdir(), "pipegen-pytest-tables-"));
  await pythonJson("delta", [
    `${ROOT}test/python/xtable_fixtures.py`,
    "delta",
    tables,
    "good=partitioned_date,failing=unpartitioned",
  ]);
  await writeFile(
    join(tables, "failing", "_delta_log", "00000000000000000001.json"),
    `${JSON.stringify({ commitInfo: { timestamp: 1_700_000_000_000, operation: "SET TBLPROPERTIES" } })}\n${JSON.stringify({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["pipegenFutureFeature"], writerFeatures: ["pipegenFutureFeature"] } })}\n`,
  );
}, 300_000);

afterAll(async () => {
  if (tables) await rm(tables, { recursive: true, force: true });
});

it.each(GOLDEN_TARGETS)("pytest passes on Airflow %s against the golden bundle's operator", async (version) => {
  const r = await execa(
    venvBin(`airflow-${version}`, "python"),
    ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test/python"],
    {
      cwd: ROOT,
      env: {
        PIPEGEN_DAGS_DIR: `${goldenBundle(version)}/dags`,
        PIPEGEN_TEST_XTABLE_RUNNER: RUNNER_DIR,
        PIPEGEN_TEST_DELTA_TABLES: tables,
      },
      reject: false,
      all: true,
    },
  );
  const summary = r.all.trim().split("\n").at(-1) ?? "";
  expect(summary, r.all).toMatch(/^\d+ passed(, \d+ warnings?)? in /);
  expect(r.exitCode).toBe(0);
  expect(r.all).not.toMatch(/skipped/);
});
