/** Types of inputs.mjs, for the tests. */
export declare const VARIANTS: readonly ["pipegen", "dagfactory", "handwritten"];
export interface Inputs {
  readonly folders: { pipegen: string; dagfactory: string; handwritten: string };
  readonly renderS: number;
  readonly steps: number;
  tasks: number;
  readonly xtable: number;
  readonly bytes: Record<string, number>;
}
export declare function prepareInputs(options: { dir: string; version: string; n: number; seed: number }): Inputs;
