/**
 * Before any test: the Python venvs the real-Airflow, ruff and pytest checks
 * run in, and the Go tools (actionlint). Built from PyPI and the Go module
 * proxy on first run and cached under .cache/.
 */
import { execa } from "execa";
import { ROOT } from "./cli.js";
import { setupVenvs } from "./python.js";

export default async function setup(): Promise<void> {
  await setupVenvs();
  await execa("bash", [`${ROOT}test/tools/setup-go-tools.sh`], { stdout: "inherit", stderr: "inherit" });
}
