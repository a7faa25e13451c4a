/** A pipeline as Airflow will see it: tasks (with the step kind they come from) and edges. */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { StepKind } from "../spec/steps/index.js";
import type { TaskModel } from "./model.js";
import { renderStep } from "./steps/index.js";

export interface GraphTask extends TaskModel {
  /** The kind of the step this task belongs to. */
  readonly kind: StepKind;
}

/** The tasks and edges of a pipeline, in spec order. */
export interface TaskGraph {
  readonly tasks: readonly GraphTask[];
  /** `[upstream task ids, downstream task id]`, one entry per downstream task. */
  readonly edges: ReadonlyArray<readonly [readonly string[], string]>;
}

const graphs = new WeakMap<ResolvedPipeline, TaskGraph>();

/**
 * Expands steps into tasks and wires them as resolve says (each step's
 * `upstreamTaskIds`). The DAG and its diagrams both need it, so it is built
 * once per pipeline.
 */
export function taskGraph(ctx: ResolvedPipeline): TaskGraph {
  let graph = graphs.get(ctx);
  if (!graph) graphs.set(ctx, (graph = buildTaskGraph(ctx)));
  return graph;
}

function buildTaskGraph(ctx: ResolvedPipeline): TaskGraph {
  const tasks: GraphTask[] = [];
  const edges: Array<readonly [readonly string[], string]> = [];
  for (const step of ctx.steps) {
    const own = renderStep(step, ctx);
    if (step.upstreamTaskIds.length > 0) edges.push([step.upstreamTaskIds, own[0].taskId]);
    own.slice(1).forEach((t, i) => {
      edges.push([[own[i]!.taskId], t.taskId]);
    });
    tasks.push(...own.map((t) => ({ ...t, kind: step.kind })));
  }
  return { tasks, edges };
}

/** A task's trigger rule when it is not Airflow's default `all_success`. */
export function triggerRuleOf(task: TaskModel): string | undefined {
  const rule = task.kwargs.find(([name]) => name === "trigger_rule")?.[1];
  return typeof rule === "string" && rule !== "all_success" ? rule : undefined;
}
