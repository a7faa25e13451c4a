/**
 * Before any test: the Python venvs the real-Airflow, ruff and pytest checks
 * run in. Built from PyPI on first run and cached under .cache/.
 */
import { setupVenvs } from "./python.js";

export default async function setup(): Promise<void> {
  await setupVenvs();
}
