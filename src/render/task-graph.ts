/** A pipeline as Airflow will see it: tasks (with the step kind they come from) and edges. */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { StepKind } from "../spec/steps/index.js";
import type { TaskModel } from "./model.js";
import { renderStep } from "./steps/index.js";

export interface GraphTask extends TaskModel {
  /** The kind of the step this task belongs to. */
  readonly kind: StepKind;
  /** The task group the step is drawn in, if any. */
  readonly group: string | undefined;
}

/** The tasks and edges of a pipeline, in spec order. */
export interface TaskGraph {
  readonly tasks: readonly GraphTask[];
  /** `[upstream task ids, downstream task id]`, one entry per downstream task. */
  readonly edges: ReadonlyArray<readonly [readonly string[], string]>;
  /** The task groups, each with the groups it sits in (outermost first, then itself). */
  readonly groups: ReadonlyArray<{
    readonly id: string;
    readonly tooltip: string | undefined;
    readonly path: readonly string[];
  }>;
}

/** A group or a task, as they nest in the DAG: each group's items in the order their first task appears. */
export type GraphItem =
  | { readonly task: GraphTask }
  | { readonly group: TaskGraph["groups"][number]; readonly items: readonly GraphItem[] };

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
    tasks.push(...own.map((t) => ({ ...t, kind: step.kind, group: step.step.group })));
  }
  return { tasks, edges, groups: ctx.groups };
}

/**
 * The tasks nested in their groups. A group comes where its first task
 * would, so a pipeline without groups is its tasks in spec order.
 */
export function nestedItems(graph: TaskGraph): GraphItem[] {
  type Open = { group: TaskGraph["groups"][number]; items: GraphItem[] };
  const root: GraphItem[] = [];
  const open = new Map<string, Open>();
  const byId = new Map(graph.groups.map((g) => [g.id, g]));
  const itemsOf = (id: string | undefined): GraphItem[] => {
    if (id === undefined) return root;
    let found = open.get(id);
    if (!found) {
      const group = byId.get(id)!;
      found = { group, items: [] };
      open.set(id, found);
      itemsOf(group.path.at(-2)).push(found);
    }
    return found.items;
  };
  for (const task of graph.tasks) itemsOf(task.group).push({ task });
  return root;
}

/** A task's trigger rule when it is not Airflow's default `all_success`. */
export function triggerRuleOf(task: TaskModel): string | undefined {
  const rule = task.kwargs.find(([name]) => name === "trigger_rule")?.[1];
  return typeof rule === "string" && rule !== "all_success" ? rule : undefined;
}
