/** What a loader hands to validation: the raw spec value and a way to locate paths in its file. */
export interface LoadedSpec {
  /** Spec file, relative to the working directory, with forward slashes. */
  readonly file: string;
  /** The spec value as written (YAML data or the TS module's default export). */
  readonly data: unknown;
  /** Finds the line and column where a path inside the spec is written. */
  readonly locate: Locator;
}

/** Path segments as zod reports them. */
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

/** Formats a path as `steps[2].crawler`. */
export function formatPath(path: SpecPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
