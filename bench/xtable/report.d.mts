/** Types of report.mjs, for the tests. */
export interface VariantRound {
  readonly wall: number;
  readonly cpu: number;
  readonly historySeconds?: number;
  readonly jvmWall?: readonly number[];
  readonly jvmRssMb?: number;
  readonly nodeRssMb?: number;
}
export interface Comparison {
  readonly what: string;
  readonly wall: number[];
  readonly cpu: number[] | undefined;
  readonly target: number | undefined;
  readonly spread: { min: number; median: number; max: number };
  readonly verdict: "met" | "not met" | "(not a target)";
}
export declare const TARGETS: { readonly harness: number; readonly jvms: number; readonly incremental: number };
export declare const VARIANT_IDS: readonly string[];
export declare function verdict(ratio: number, target: number | undefined): Comparison["verdict"];
export declare function comparisons(
  measured: Record<string, readonly VariantRound[]>,
  o: { readonly tables: number; readonly commits: number },
): Comparison[];
export declare function report(raw: Record<string, unknown>): string;
