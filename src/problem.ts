/**
 * A problem with a spec, and the one way it is placed in its file. Every
 * check (validate, resolve, iam, the warnings) reports a `SpecProblem`: the
 * file, the path inside the spec, what is wrong and how to fix it. Only
 * `placeProblem` turns it into the `Problem` users see, at a line and
 * column, with the file's own locator.
 */

/** Path segments as zod reports them, e.g. `["steps", 2, "crawler"]`. */
export type SpecPath = readonly PropertyKey[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Maps a path to a 1-based position. When the path leads to something not
 * written in the file (a missing key), it returns the deepest written parent;
 * with `key`, it points at the key itself rather than its value.
 */
export type Locator = (path: SpecPath, options?: { key?: boolean }) => Position;

/** Something wrong with a spec, at a path inside it; not yet placed at a line and column. */
export interface SpecProblem {
  /** Spec file, relative to the working directory. */
  readonly file: string;
  readonly path: SpecPath;
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string | undefined;
  /** The path ends at a mapping key that is itself the problem (an unknown key): placed at the key, not its value. */
  readonly key?: boolean;
}

/** One thing wrong with a spec, placed in its file: what users see. */
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

/** Places a problem in its file with that file's locator. */
export function placeProblem(problem: SpecProblem, locate: Locator): Problem {
  return {
    file: problem.file,
    ...locate(problem.path, { key: problem.key ?? false }),
    path: formatPath(problem.path),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  };
}

/** Formats a path as `steps[2].crawler`. */
export function formatPath(path: SpecPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Formats a problem as `file:line:col path: message — hint`. */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  const path = p.path ? ` ${p.path}:` : "";
  const hint = p.hint ? ` — ${p.hint}` : "";
  return `${where}${path} ${p.message}${hint}`;
}
