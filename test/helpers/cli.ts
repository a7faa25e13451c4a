/** Runs the built `pipegen` bin as a user would. */
import { execa, type Result } from "execa";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = `${ROOT}build/bin/pipegen.js`;

export function pipegen(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return execa("node", [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { NO_COLOR: "1", ...options.env },
    reject: false,
  });
}
