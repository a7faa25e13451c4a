/** The Python environments that test/python/setup-venvs.sh builds under .cache/venvs. */
import { execa } from "execa";
import { ROOT } from "./cli.js";

export const VENVS = `${ROOT}.cache/venvs`;

export const venvBin = (venv: string, tool: string) => `${VENVS}/${venv}/bin/${tool}`;

/** Builds (or reuses) the named venvs, or every one but the bench-* ones; a no-op when they are current. */
export async function setupVenvs(names: readonly string[] = []): Promise<void> {
  await execa("bash", [`${ROOT}test/python/setup-venvs.sh`, ...names], { stdout: "inherit", stderr: "inherit" });
}

/** Runs a venv's python on a script and parses its JSON output. */
export async function pythonJson<T>(
  venv: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<T> {
  const r = await execa(venvBin(venv, "python"), args, { cwd: ROOT, env, reject: false });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} exited ${r.exitCode}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
