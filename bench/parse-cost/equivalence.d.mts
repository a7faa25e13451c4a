/** Types of equivalence.mjs, for the tests. */
export interface ShapeDifference {
  readonly path: string[];
  readonly want: unknown;
  readonly got: unknown;
}
export declare function venvPython(version: string): string;
export declare function runDriver(
  version: string,
  folder: string,
  n: number,
  mode: "fill" | "processor",
  options?: { shape?: string },
): Record<string, unknown>;
export declare function shapeDifferences(want: unknown, got: unknown, at?: string[]): ShapeDifference[];
export declare function describeDifferences(
  diffs: readonly ShapeDifference[],
  wantLabel: string,
  gotLabel: string,
  limit?: number,
): string;
export declare function checkSameBags(
  version: string,
  folders: Record<string, string>,
  n: number,
): Record<string, Record<string, unknown>>;
