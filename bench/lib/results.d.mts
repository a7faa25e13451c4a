/** Types of results.mjs, for the TypeScript benchmarks. */
export declare const ROOT: string;
export declare function writeResultsSection(name: string, markdown: string): void;
export declare function median(values: readonly number[]): number;
export declare function machineLine(): string;
