/**
 * Before any test: the Python venvs the real-Airflow, ruff and pytest checks
 * run in, the Go tools (actionlint), and the real XTable runner (jars/). Built
 * from PyPI, the Go module proxy, Maven Central and XTable's source release on
 * first run and cached under .cache/ and jars/target/.
 */
import { execa } from "execa";
import { ROOT } from "./cli.js";
import { setupVenvs } from "./python.js";
import { buildRunner } from "./xtable.js";

export default async function setup(): Promise<void> {
  await setupVenvs();
  await execa("bash", [`${ROOT}test/tools/setup-go-tools.sh`], { stdout: "inherit", stderr: "inherit" });
  await buildRunner();
}
