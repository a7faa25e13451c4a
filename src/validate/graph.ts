/**
 * Checks the step graph on the raw spec, independently of the schema, so that
 * duplicate ids, unknown references and cycles are reported in the same run
 * as type errors elsewhere in the file.
 */
import type { SpecPath } from "../load/index.js";

export interface GraphProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint?: string;
}

interface RawStep {
  readonly index: number;
  readonly id: string;
  /** Explicit `after`, or undefined to mean "the previous step". */
  readonly after: readonly unknown[] | undefined;
}

/** Upstream step ids of each step, with the default "previous step" applied. */
export function upstreamIds(
  steps: readonly { id: string; after?: readonly string[] | undefined }[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  steps.forEach((s, i) => {
    out.set(s.id, s.after ? [...s.after] : i > 0 ? [steps[i - 1]!.id] : []);
  });
  return out;
}

export function checkStepGraph(data: unknown): GraphProblem[] {
  const rawSteps = (data as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(rawSteps)) return [];
  const steps: RawStep[] = [];
  rawSteps.forEach((s, index) => {
    const id = (s as { id?: unknown } | null)?.id;
    const after = (s as { after?: unknown } | null)?.after;
    if (typeof id === "string") steps.push({ index, id, after: Array.isArray(after) ? after : undefined });
  });

  const problems: GraphProblem[] = [];
  const firstIndex = new Map<string, number>();
  for (const s of steps) {
    const first = firstIndex.get(s.id);
    if (first === undefined) firstIndex.set(s.id, s.index);
    else
      problems.push({
        path: ["steps", s.index, "id"],
        message: `duplicate step id "${s.id}"`,
        hint: `steps[${first}] already uses it; task ids must be unique`,
      });
  }

  const edges = new Map<string, string[]>();
  steps.forEach((s, position) => {
    const upstream: string[] = [];
    if (s.after === undefined) {
      if (position > 0) upstream.push(steps[position - 1]!.id);
    } else
      s.after.forEach((ref, j) => {
        if (typeof ref !== "string") return;
        if (ref === s.id)
          problems.push({ path: ["steps", s.index, "after", j], message: "a step cannot run after itself" });
        else if (!firstIndex.has(ref))
          problems.push({
            path: ["steps", s.index, "after", j],
            message: `unknown step "${ref}"`,
            hint: `known steps: ${[...firstIndex.keys()].join(", ")}`,
          });
        else upstream.push(ref);
      });
    if (!edges.has(s.id)) edges.set(s.id, upstream);
  });

  const cycle = findCycle(edges);
  if (cycle) {
    const at = firstIndex.get(cycle[0]!)!;
    problems.push({
      path: ["steps", at, "after"],
      message: `steps form a cycle: ${cycle.join(" → ")}`,
      hint: "a DAG cannot loop; remove one of these `after` references",
    });
  }
  return problems;
}

/** Returns one cycle as a closed list of ids (first = last), or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const up of edges.get(id) ?? []) {
      const found = visit(up);
      if (found) return found;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of edges.keys()) {
    const found = visit(id);
    if (found) return found.reverse();
  }
  return undefined;
}
