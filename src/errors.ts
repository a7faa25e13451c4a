/**
 * Error classes. Library code throws these; only the bin turns them into
 * exit codes (1 for user errors, 2 for anything unexpected).
 */

/** One thing wrong with a spec, located in its file. */
export interface Problem {
  /** Spec file, relative to the working directory. */
  readonly file: string;
  /** 1-based line and column; 0 when the problem concerns the file as a whole. */
  readonly line: number;
  readonly column: number;
  /** Path inside the spec, e.g. `steps[2].crawler`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
}

/** Formats a problem as `file:line:col path: message — hint`. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  const path = p.path ? ` ${p.path}:` : "";
  const hint = p.hint ? ` — ${p.hint}` : "";
  return `${where}${path} ${p.message}${hint}`;
}

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
