/** What the step renderers produce and the DAG template consumes. */
import type { ResolvedPipeline, ResolvedStep } from "../resolve/index.js";
import type { StepKind } from "../spec/steps/index.js";
import type { PyValue } from "./python.js";

/** An operator class and the module it is imported from. */
export interface OperatorClass {
  readonly module: string;
  readonly name: string;
  /** Named by an `operator` step: pipegen may know nothing of how it templates. */
  readonly fromSpec?: true;
}

export interface TaskModel {
  readonly taskId: string;
  readonly operator: OperatorClass;
  /** Keyword arguments in emission order; `undefined` values are left out. */
  readonly kwargs: ReadonlyArray<readonly [name: string, value: PyValue | undefined]>;
}

/**
 * The tasks of one step, in order: the first runs after the step's upstream
 * steps, each next task runs after the one before, and the last is what
 * downstream steps wait for.
 */
export type StepTasks = readonly [TaskModel, ...TaskModel[]];

/** Renders one step of kind K from its resolved facts; the task ids are the facts' `taskIds`. */
export type StepRenderer<K extends StepKind> = (resolved: ResolvedStep<K>, ctx: ResolvedPipeline) => StepTasks;

export const AMAZON = "airflow.providers.amazon.aws";
