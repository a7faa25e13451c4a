/**
 * Checks the step graph on the raw spec, independently of the schema, so that
 * duplicate ids, unknown references and cycles are reported in the same run
 * as type errors elsewhere in the file.
 */
import type { SpecProblem } from "../problem.js";

interface RawStep {
  readonly index: number;
  readonly id: string;
  /** Explicit `after`, or undefined to mean "the previous step". */
  readonly after: readonly unknown[] | undefined;
}

export function checkStepGraph({ file, data }: { readonly file: string; readonly data: unknown }): SpecProblem[] {
  const rawSteps = (data as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(rawSteps)) return [];
  const steps: RawStep[] = [];
  rawSteps.forEach((s, index) => {
    const id = (s as { id?: unknown } | null)?.id;
    const after = (s as { after?: unknown } | null)?.after;
    if (typeof id === "string") steps.push({ index, id, after: Array.isArray(after) ? after : undefined });
  });

  const problems: SpecProblem[] = [];
  const firstIndex = new Map<string, number>();
  for (const s of steps) {
    const first = firstIndex.get(s.id);
    if (first === undefined) firstIndex.set(s.id, s.index);
    else
      problems.push({
        file,
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
          problems.push({ file, path: ["steps", s.index, "after", j], message: "a step cannot run after itself" });
        else if (!firstIndex.has(ref))
          problems.push({
            file,
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
      file,
      path: ["steps", at, "after"],
      message: `steps form a cycle: ${describeCycle(cycle)}`,
      hint: "a DAG cannot loop; remove one of these `after` references",
    });
  }
  return problems;
}

/** A cycle as `a → b → c → a`; a long one shows its first and last steps and its length. */
function describeCycle(cycle: readonly string[]): string {
  if (cycle.length <= 12) return cycle.join(" → ");
  return `${cycle.slice(0, 5).join(" → ")} → … → ${cycle.slice(-6).join(" → ")} (${cycle.length - 1} steps)`;
}

/**
 * Returns one cycle as a closed list of ids (first = last), or undefined.
 * Depth-first with an explicit stack: a chain of many thousand steps must
 * not exhaust the call stack.
 */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    // The path from the root, each id with the index of its next upstream to visit.
    const path: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, "visiting");
    while (path.length > 0) {
      const top = path.at(-1)!;
      const upstream = edges.get(top.id) ?? [];
      if (top.next >= upstream.length) {
        state.set(top.id, "done");
        path.pop();
        continue;
      }
      const up = upstream[top.next++]!;
      if (state.get(up) === "visiting") {
        const ids = path.map((p) => p.id);
        return [...ids.slice(ids.indexOf(up)), up].reverse();
      }
      if (!state.has(up)) {
        state.set(up, "visiting");
        path.push({ id: up, next: 0 });
      }
    }
  }
  return undefined;
}
