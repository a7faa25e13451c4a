/**
 * Asset schedules across the bundle: every asset a pipeline is scheduled on
 * is an output of a step in the bundle, unless the spec marks it external
 * (then something outside the bundle updates it); and no pipeline triggers
 * itself, directly or through others, which would start runs forever.
 */

import type { SpecProblem } from "../problem.js";
import { canonicalAssetUri, scheduledAssets } from "../spec/assets.js";
import type { ValidSpec } from "./index.js";

/** @param producersKnown false when some specs of the bundle are invalid: "nothing produces it" is then left unsaid */
export function assetProblems(
  specs: readonly ValidSpec[],
  { producersKnown }: { readonly producersKnown: boolean },
): SpecProblem[] {
  const producers = new Map<string, Array<{ spec: ValidSpec; step: string }>>();
  for (const spec of specs)
    for (const step of spec.pipeline.steps)
      for (const uri of step.outputs ?? []) {
        const key = canonicalAssetUri(uri);
        producers.set(key, [...(producers.get(key) ?? []), { spec, step: step.id }]);
      }
  const problems: SpecProblem[] = [];
  /** Pipeline id → the ids of the pipelines whose outputs it is scheduled on. */
  const waitsOn = new Map<string, Set<string>>();
  for (const spec of specs) {
    const schedule = spec.pipeline.schedule;
    if (schedule === null || typeof schedule !== "object") continue;
    const upstream = new Set<string>();
    scheduledAssets(schedule).forEach(({ uri, external }, i) => {
      const made = producers.get(uri) ?? [];
      for (const m of made) upstream.add(m.spec.pipeline.id);
      if (made.length === 0 && !external && producersKnown)
        problems.push({
          file: spec.file,
          path: ["schedule", "assets", i],
          message: `no pipeline in the bundle produces ${uri}, so this DAG would never run`,
          hint: `list it in the outputs of the step that writes it (and render that pipeline in the same bundle), or write { uri: ${uri}, external: true } if something outside the bundle updates it`,
        });
    });
    waitsOn.set(spec.pipeline.id, upstream);
  }
  for (const spec of specs) {
    const cycle = cycleThrough(spec.pipeline.id, waitsOn);
    if (cycle)
      problems.push({
        file: spec.file,
        path: ["schedule"],
        message:
          cycle.length === 1
            ? "is scheduled on an output of this pipeline itself: each run would trigger the next, forever"
            : `is scheduled on outputs of a cycle of pipelines (${[...cycle, cycle[0]].join(" → ")}): their runs would trigger each other forever`,
        hint: "schedule the pipeline on something the cycle does not produce, or on time",
      });
  }
  return problems;
}

/** The pipelines of a cycle through `start` in the waits-on graph, in order, or undefined. */
function cycleThrough(start: string, waitsOn: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const path: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    for (const next of waitsOn.get(id) ?? []) {
      if (next === start) return [...path, id];
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(id);
      const found = visit(next);
      path.pop();
      if (found) return found;
    }
    return undefined;
  };
  const found = visit(start);
  return found?.reverse();
}
