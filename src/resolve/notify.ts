/** Every notification target of a pipeline, at the DAG's level and its steps', derived once for render and IAM. */
import type { NotifyTarget } from "../spec/common.js";
import type { Pipeline } from "../spec/pipeline.js";

export interface ResolvedNotifyTarget {
  readonly target: NotifyTarget;
  /** The step it belongs to; undefined for the DAG's own notifications. */
  readonly stepId: string | undefined;
}

export function notifyTargets(pipeline: Pipeline): ResolvedNotifyTarget[] {
  const of = (stepId: string | undefined, n: Pipeline["notify"]) =>
    [...(n?.onFailure ?? []), ...(n?.onSuccess ?? [])].map((target) => ({ target, stepId }));
  return [...of(undefined, pipeline.notify), ...pipeline.steps.flatMap((s) => of(s.id, s.notify))];
}
