/** A pipeline as Airflow will see it: tasks (with the step kind they come from) and edges. */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { Step, StepKind } from "../spec/steps/index.js";
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
 * Expands steps into tasks and wires step-level `after` to the right tasks.
 * Validation and rendering both need it, so it is built once per pipeline.
 */
export function taskGraph(ctx: ResolvedPipeline): TaskGraph {
  let graph = graphs.get(ctx);
  if (!graph) graphs.set(ctx, (graph = buildTaskGraph(ctx)));
  return graph;
}

function buildTaskGraph(ctx: ResolvedPipeline): TaskGraph {
  const stepTasks = new Map(ctx.pipeline.steps.map((s) => [s.id, renderStep(s as Step, ctx)] as const));
  const tasks: GraphTask[] = [];
  const edges: Array<readonly [readonly string[], string]> = [];
  for (const step of ctx.pipeline.steps) {
    const own = stepTasks.get(step.id)!;
    const upstream = (ctx.upstream.get(step.id) ?? []).map((id) => stepTasks.get(id)!.at(-1)!.taskId);
    if (upstream.length > 0) edges.push([upstream, own[0].taskId]);
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
