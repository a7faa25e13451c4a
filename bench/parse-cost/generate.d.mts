/** Types of generate.mjs, for the tests. */
export interface GeneratedPipeline {
  id: string;
  schedule: string;
  connections: { redshift: Record<string, string> };
  defaults: Record<string, unknown>;
  dagrunTimeout?: string;
  steps: Array<{ id: string; kind: string; [key: string]: unknown }>;
  [key: string]: unknown;
}
export declare function makePipeline(index: number, seed: number): GeneratedPipeline;
export declare function pipegenYaml(spec: GeneratedPipeline): string;
export declare const usesXTable: (spec: GeneratedPipeline) => boolean;
