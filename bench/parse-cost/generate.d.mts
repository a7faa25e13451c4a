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
/** A task of the generator's model: operator class name and keyword arguments in emission order. */
export interface GeneratedTask {
  taskId: string;
  op: string;
  kwargs: Array<[string, unknown]>;
}
export declare const OPS: Record<string, string>;
export declare function taskModel(
  spec: GeneratedPipeline,
  major: number,
): { tasks: GeneratedTask[]; edges: Array<[string, string]> };
