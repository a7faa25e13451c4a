/**
 * Phase 3: resolve. Applies what a spec leaves implicit: the target Airflow
 * version (possibly overridden for the whole bundle), each step's upstream
 * steps, and the Jinja expression for the run's partition date.
 */

import { type RunnerReference, runnerReference } from "../runner/location.js";
import { runnerPin } from "../runner/pin.js";
import { type AirflowTarget, type AirflowVersion, airflowTarget } from "../spec/airflow-versions.js";
import { type DateTimeParts, dateTimeParts } from "../spec/dates.js";
import type { Pipeline } from "../spec/pipeline.js";
import { expandPlaceholders } from "../spec/placeholders.js";
import type { Step } from "../spec/steps/index.js";
import { upstreamIds } from "../validate/graph.js";
import type { ValidSpec } from "../validate/index.js";

export interface ResolvedPipeline {
  /** Spec file the DAG comes from, as the user gave it (for messages). */
  readonly file: string;
  /**
   * The spec file relative to the working folder, for the generated header:
   * the same however the path was given, so that a DAG's bytes do not depend
   * on it (deploy compares them by hash).
   */
  readonly source: string;
  readonly pipeline: Pipeline;
  readonly target: AirflowTarget;
  /** The first data interval's start, in UTC. */
  readonly startDate: DateTimeParts;
  /** Step ids each step runs after. */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  /** Expands date placeholders in a templated string for this target. */
  readonly templated: (text: string) => string;
  /**
   * The XTable runner archive startup.sh fetches, when a step is an xtable
   * step: the spec's `xtableRunner` place and the archive pinned in jars/.
   */
  readonly runner: RunnerReference | undefined;
}

export interface ResolveOptions {
  /** Renders every spec for this Airflow version instead of its own. */
  readonly airflowVersion?: AirflowVersion | undefined;
  /** The spec's path relative to the working folder; defaults to the path as given. */
  readonly source?: string | undefined;
}

/**
 * The run's partition date as a Jinja expression. It comes from the data
 * interval, so it resolves at run time and never at parse time. Airflow 3 may
 * start a manual run with no logical date and so no data interval; the date
 * is then the time the run was triggered (`dag_run.run_after`).
 */
export function partitionDateExpression(target: AirflowTarget): string {
  return target.major === 2 ? "data_interval_start" : "(data_interval_start | default(dag_run.run_after, true))";
}

export function resolvePipeline(spec: ValidSpec, options: ResolveOptions = {}): ResolvedPipeline {
  const target = airflowTarget(options.airflowVersion ?? spec.pipeline.airflowVersion);
  const date = partitionDateExpression(target);
  return {
    file: spec.file,
    source: options.source ?? spec.file,
    pipeline: spec.pipeline,
    target,
    // Validation guarantees a real date and time.
    startDate: dateTimeParts(spec.pipeline.startDate)!,
    upstream: upstreamIds(spec.pipeline.steps as readonly Step[]),
    templated: (text) => expandPlaceholders(text, date),
    runner:
      spec.pipeline.xtableRunner && spec.pipeline.steps.some((s) => s.kind === "xtable")
        ? runnerReference(spec.pipeline.xtableRunner, runnerPin())
        : undefined,
  };
}
