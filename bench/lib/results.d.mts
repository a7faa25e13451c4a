/** Types of results.mjs, for the TypeScript benchmarks and the tests. */
export declare const ROOT: string;
export declare const PROVENANCE: RegExp;
export declare function measuredCommit(): string;
export declare const provenanceLine: (provenance: { command: string; commit: string }) => string;
export declare function commandLine(runnerAndScript: readonly string[], argv: readonly string[]): string;
export declare function writeResultsSection(
  name: string,
  markdown: string,
  provenance: { command: string; commit: string },
): void;
export declare function median(values: readonly number[]): number;
export declare const loadAverage: () => string;
export declare function machineLine(): string;
