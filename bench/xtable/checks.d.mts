/** Types of checks.mjs, for the tests. */
export interface RunOutput {
  readonly exitCode: number;
  /** stdout and stderr, one after the other. */
  readonly output: string;
}
export interface TimeFigures {
  readonly wall: number;
  /** user + system seconds. */
  readonly cpu: number;
  readonly rssMb: number;
}
export interface IcebergMetadata {
  readonly "current-snapshot-id"?: number;
  readonly snapshots: readonly { readonly "snapshot-id": number; readonly summary?: Record<string, string> }[];
}
export declare function resultOf(output: string): {
  ok: unknown;
  datasets?: { table: string; format: string; status: string; error: string | null; sync: string | null }[];
};
export declare function checkSyncs(label: string, run: RunOutput, want: Record<string, string>): number;
export declare function syncSeconds(output: string, table: string): number;
export declare function timeLines(text: string, tag: string): TimeFigures[];
export declare function checkIncrementalSnapshot(
  before: IcebergMetadata,
  after: IcebergMetadata,
  version: number,
): void;
export declare function checkFigures(
  label: string,
  run: { readonly wall: number; readonly cpu: number; readonly jvms: readonly TimeFigures[] },
  jvms: number,
): void;
export declare function compareRows(
  rows: Record<string, { delta?: unknown[] | null; iceberg?: unknown[] } | undefined>,
  tables: readonly string[],
): number;
