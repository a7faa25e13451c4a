/** Types of options.mjs, for the TypeScript benchmarks. */
export interface OptionSpec {
  type?: "string" | "boolean";
  default?: string | boolean;
  parse?: (raw: string, name: string) => unknown;
}
export interface CommonOptions {
  /** --quick: the smoke-test size; RESULTS.md untouched. */
  readonly quick: boolean;
  /** Write the RESULTS.md section (neither --quick nor --no-results). */
  readonly results: boolean;
  /** Run `npm run build` first (no --no-build). */
  readonly build: boolean;
  /** The arguments as given. */
  readonly argv: readonly string[];
}
export declare function integer(raw: string, name: string): number;
export declare function integers(raw: string, name: string): number[];
export declare function words(raw: string): string[];
export declare function benchOptions<T extends Record<string, unknown>>(
  spec: {
    name: string;
    usage: string;
    options: Record<string, OptionSpec>;
    quick?: Record<string, string>;
  },
  argv?: readonly string[],
): T & CommonOptions;
export declare function checkPassed(what: string): void;
