/** Runs the built `pipegen` bin as a user would. */

import { fileURLToPath } from "node:url";
import { execa } from "execa";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = `${ROOT}build/bin/pipegen.js`;

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function pipegen(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const r = await execa("node", [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    reject: false,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}
