/**
 * Error classes. Library code throws these; only the bin turns them into
 * exit codes (1 for user errors, 2 for anything unexpected).
 */

import type { Problem } from "./problem.js";

export { formatProblem, type Problem } from "./problem.js";

/** A user error: bad input, bad flags, stale output. Exit code 1. */
export class UserError extends Error {
  override readonly name: string = "UserError";
}

/** Every problem found in every spec of one run. */
export class SpecError extends UserError {
  override readonly name: string = "SpecError";
  constructor(readonly problems: readonly Problem[]) {
    const files = new Set(problems.map((p) => p.file)).size;
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} spec file${files === 1 ? "" : "s"}`,
    );
  }
}

/** `render --check` found output that differs from what the specs produce. */
export class StaleOutputError extends UserError {
  override readonly name = "StaleOutputError";
  constructor(readonly stale: readonly { path: string; reason: "changed" | "missing" | "extra" }[]) {
    super(`${stale.length} file${stale.length === 1 ? " is" : "s are"} stale`);
  }
}

/** Every problem found in the project config (pipegen.config.*). */
export class ConfigError extends SpecError {
  override readonly name = "ConfigError";
  constructor(problems: readonly Problem[]) {
    super(problems);
    this.message = `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${problems[0]?.file ?? "the config file"}`;
  }
}
