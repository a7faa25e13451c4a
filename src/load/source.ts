import type { Locator } from "../problem.js";

/** What a loader hands to validation: the raw spec value and a way to locate paths in its file. */
export interface LoadedSpec {
  /** Spec file, relative to the working directory, with forward slashes. */
  readonly file: string;
  /** The spec value as written (YAML data or the TS module's default export). */
  readonly data: unknown;
  /** Finds the line and column where a path inside the spec is written. */
  readonly locate: Locator;
  /** The environment values a TypeScript spec function read from `env`, by name. */
  readonly envReads?: readonly string[];
}

export { formatPath, type Locator, type Position, type SpecPath } from "../problem.js";
