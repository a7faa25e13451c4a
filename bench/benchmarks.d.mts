/** Types of benchmarks.mjs, for the tests. */
export interface Benchmark {
  /** Its RESULTS.md section (`<!-- name:begin -->`). */
  readonly name: string;
  /** Runner and script, relative to the repository's root. */
  readonly command: readonly string[];
  /** test/python/requirements/<venv>.txt it needs. */
  readonly venvs: readonly string[];
  /** `check passed:` lines its quick run must print. */
  readonly checks: readonly RegExp[];
}
export declare const BENCHMARKS: readonly Benchmark[];
