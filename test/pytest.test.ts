/**
 * The Python suites, run by pytest inside each Airflow venv: the XTable
 * operator shipped in the golden bundle (config files, the JVM command line,
 * failure detection, a full dag.test() run, and a dag.test() run against the
 * real XTable runner, on local tables and on tables in moto's S3) and the DAG
 * inspector itself.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { MOTO_AWS_ENV, type MotoServer, startMoto } from "./helpers/moto.js";
import { pythonJson, venvBin } from "./helpers/python.js";
import { RUNNER_DIR } from "./helpers/xtable.js";

let tables: string;
let moto: MotoServer | undefined;

beforeAll(async () => {
  // Delta tables for test_real_runner.py, written by deltalake: "good" syncs, and
  // "failing" names a reader feature that Delta Kernel (inside XTable) refuses;
  // "dv" (a deletion vector) and "column_mapping" are refused by the runner's safety check.
  // The tests copy them to local folders and to moto's S3.
  tables = await mkdtemp(join(tmpdir(), "pipegen-pytest-tables-"));
  moto = await startMoto();
  await pythonJson("delta", [
    `${ROOT}test/python/xtable_fixtures.py`,
    "delta",
    tables,
    "good=partitioned_date,failing=unpartitioned,dv=dv_file,column_mapping=column_mapping",
  ]);
  await writeFile(
    join(tables, "failing", "_delta_log", "00000000000000000001.json"),
    `${JSON.stringify({ commitInfo: { timestamp: 1_700_000_000_000, operation: "SET TBLPROPERTIES" } })}\n${JSON.stringify({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["pipegenFutureFeature"], writerFeatures: ["pipegenFutureFeature"] } })}\n`,
  );
}, 300_000);

afterAll(async () => {
  await moto?.stop();
  if (tables) await rm(tables, { recursive: true, force: true });
});

it.each(GOLDEN_TARGETS)(
  "pytest passes on Airflow %s against the golden bundle's operator",
  async (version) => {
    const r = await execa(
      venvBin(`airflow-${version}`, "python"),
      ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test/python"],
      {
        cwd: ROOT,
        env: {
          PIPEGEN_DAGS_DIR: `${goldenBundle(version)}/dags`,
          PIPEGEN_TEST_XTABLE_RUNNER: RUNNER_DIR,
          PIPEGEN_TEST_DELTA_TABLES: tables,
          // moto's S3, for the runner (S3A) and pipegen (AWS SDK); the same settings an AWS client takes.
          ...MOTO_AWS_ENV,
          AWS_ENDPOINT_URL: moto!.endpoint,
          PIPEGEN_TEST_S3_PREFIX: `s3://lake/airflow-${version}`,
        },
        reject: false,
        all: true,
      },
    );
    const summary = r.all.trim().split("\n").at(-1) ?? "";
    expect(summary, r.all).toMatch(/^\d+ passed(, \d+ warnings?)? in /);
    expect(r.exitCode).toBe(0);
    expect(r.all).not.toMatch(/skipped/);
    // The whole Python suite with real Airflow DAG runs and several runner JVMs (local and S3).
  },
  1_200_000,
);
