/**
 * The Python suites, run by pytest inside each Airflow venv: the XTable
 * operator shipped in the golden bundle (config files, the JVM command line,
 * failure detection, a full dag.test() run) and the DAG inspector itself.
 */
import { execa } from "execa";
import { expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { venvBin } from "./helpers/python.js";

it.each(GOLDEN_TARGETS)("pytest passes on Airflow %s against the golden bundle's operator", async (version) => {
  const r = await execa(
    venvBin(`airflow-${version}`, "python"),
    ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test/python"],
    {
      cwd: ROOT,
      env: { PIPEGEN_DAGS_DIR: `${goldenBundle(version)}/dags` },
      reject: false,
      all: true,
    },
  );
  const summary = r.all.trim().split("\n").at(-1) ?? "";
  expect(summary, r.all).toMatch(/^\d+ passed(, \d+ warnings?)? in /);
  expect(r.exitCode).toBe(0);
});
