/**
 * Checks task groups on the raw spec, like the step graph (graph.ts), so
 * that they are reported in the same run as type errors elsewhere: group ids
 * unique and apart from step ids (Airflow keeps both in one namespace), every
 * `group` and `parent` naming a declared group, no group inside itself, and
 * no group without a step (Airflow would draw an empty box).
 */
import type { SpecProblem } from "../problem.js";
import { nearest } from "./messages.js";

interface RawGroup {
  readonly index: number;
  readonly id: string;
  readonly parent: unknown;
}

export function checkTaskGroups({ file, data }: { readonly file: string; readonly data: unknown }): SpecProblem[] {
  const rawGroups = (data as { groups?: unknown } | null)?.groups;
  const rawSteps = (data as { steps?: unknown } | null)?.steps;
  const steps = Array.isArray(rawSteps) ? rawSteps : [];
  const groups: RawGroup[] = [];
  if (Array.isArray(rawGroups))
    rawGroups.forEach((g, index) => {
      const id = (g as { id?: unknown } | null)?.id;
      if (typeof id === "string") groups.push({ index, id, parent: (g as { parent?: unknown }).parent });
    });

  const problems: SpecProblem[] = [];
  const stepIds = new Map<string, number>();
  steps.forEach((s, i) => {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id === "string" && !stepIds.has(id)) stepIds.set(id, i);
  });
  const byId = new Map<string, RawGroup>();
  for (const g of groups) {
    const first = byId.get(g.id);
    if (first)
      problems.push({
        file,
        path: ["groups", g.index, "id"],
        message: `duplicate group id "${g.id}"`,
        hint: `groups[${first.index}] already uses it; group ids must be unique`,
      });
    else byId.set(g.id, g);
    const step = stepIds.get(g.id);
    if (step !== undefined)
      problems.push({
        file,
        path: ["groups", g.index, "id"],
        message: `is also the id of steps[${step}]`,
        hint: "Airflow keeps task and group ids in one namespace: rename the group or the step",
      });
  }
  const known = (name: string) => {
    const near = nearest(name, [...byId.keys()]);
    if (near) return `did you mean "${near}"?`;
    return byId.size > 0 ? `known groups: ${[...byId.keys()].join(", ")}` : "declare it under `groups:`";
  };

  // Each group's parent, when it names a declared group.
  const parentOf = new Map<string, string>();
  for (const g of groups) {
    if (typeof g.parent !== "string" || byId.get(g.id) !== g) continue;
    if (g.parent === g.id)
      problems.push({ file, path: ["groups", g.index, "parent"], message: "a group cannot sit inside itself" });
    else if (!byId.has(g.parent))
      problems.push({
        file,
        path: ["groups", g.index, "parent"],
        message: `unknown group "${g.parent}"`,
        hint: known(g.parent),
      });
    else parentOf.set(g.id, g.parent);
  }
  const inCycle = new Set<string>();
  for (const g of groups) {
    const chain = [g.id];
    for (let up = parentOf.get(g.id); up !== undefined; up = parentOf.get(up)) {
      if (up === g.id) {
        if (!inCycle.has(g.id)) {
          for (const id of chain) inCycle.add(id);
          problems.push({
            file,
            path: ["groups", g.index, "parent"],
            message: `groups sit inside each other in a circle: ${[...chain, g.id].join(" → ")}`,
            hint: "a group's parent must lead out to the DAG: remove one of these `parent` references",
          });
        }
        break;
      }
      if (chain.includes(up)) break;
      chain.push(up);
    }
  }

  // Groups that hold a step, directly or through the groups inside them.
  const used = new Set<string>();
  steps.forEach((s, i) => {
    const group = (s as { group?: unknown } | null)?.group;
    if (typeof group !== "string") return;
    if (!byId.has(group)) {
      problems.push({ file, path: ["steps", i, "group"], message: `unknown group "${group}"`, hint: known(group) });
      return;
    }
    for (let g: string | undefined = group; g !== undefined && !used.has(g); g = parentOf.get(g)) used.add(g);
  });
  for (const g of groups)
    if (byId.get(g.id) === g && !used.has(g.id) && !inCycle.has(g.id))
      problems.push({
        file,
        path: ["groups", g.index],
        message: `group "${g.id}" holds no step`,
        hint: `put a step in it with \`group: ${g.id}\` (or in a group inside it), or remove it`,
      });
  return problems;
}
