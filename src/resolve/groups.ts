/** The pipeline's task groups, with where each sits: derived once, read by render and graph. */
import type { Pipeline } from "../spec/pipeline.js";

export interface ResolvedGroup {
  readonly id: string;
  readonly tooltip: string | undefined;
  /** The groups it sits in, outermost first, and then itself: `["lakehouse", "build"]`. */
  readonly path: readonly [...string[], string];
}

/** Every group in declaration order; validation guarantees parents exist and do not loop. */
export function taskGroups(pipeline: Pipeline): ResolvedGroup[] {
  const declared = new Map((pipeline.groups ?? []).map((g) => [g.id, g]));
  const pathOf = (id: string): string[] => {
    const parent = declared.get(id)?.parent;
    return parent === undefined ? [id] : [...pathOf(parent), id];
  };
  return [...declared.values()].map((g) => ({
    id: g.id,
    tooltip: g.tooltip,
    path: pathOf(g.id) as [...string[], string],
  }));
}
