/**
 * Phase 3: resolve. Applies what a spec leaves implicit and derives, once,
 * every fact the later phases read: the target Airflow version (possibly
 * overridden for the whole bundle), the Jinja expression for the run's
 * partition date, how Redshift is reached, and each step's facts (steps.ts).
 */

import type { Locator } from "../problem.js";
import { type RunnerReference, runnerReference } from "../runner/location.js";
import { runnerPin } from "../runner/pin.js";
import { type AirflowTarget, type AirflowVersion, airflowTarget } from "../spec/airflow-versions.js";
import { type DateTimeParts, dateTimeParts } from "../spec/dates.js";
import type { Pipeline } from "../spec/pipeline.js";
import { expandPlaceholders } from "../spec/placeholders.js";
import type { ValidSpec } from "../validate/index.js";
import { type ResolvedGroup, taskGroups } from "./groups.js";
import { notifyTargets, type ResolvedNotifyTarget } from "./notify.js";
import { type RedshiftRoute, type ResolvedStep, redshiftRoute, resolveSteps } from "./steps.js";

export type { ResolvedGroup } from "./groups.js";
export type { GlueResource, RedshiftRoute, ResolvedRedshiftStep, ResolvedStep, UnloadTarget } from "./steps.js";

export interface ResolvedPipeline {
  /** Spec file the DAG comes from, as the user gave it (for messages). */
  readonly file: string;
  /**
   * The spec file relative to the working folder, for the generated header:
   * the same however the path was given, so that a DAG's bytes do not depend
   * on it (deploy compares them by hash).
   */
  readonly source: string;
  /** Where paths of the spec are written in its file: problems found after validation are placed with it. */
  readonly locate: Locator;
  readonly pipeline: Pipeline;
  readonly target: AirflowTarget;
  /** The first data interval's start, in UTC. */
  readonly startDate: DateTimeParts;
  /** Every step with the facts derived from it, in spec order. */
  readonly steps: readonly ResolvedStep[];
  /** The task groups steps are drawn in, in declaration order. */
  readonly groups: readonly ResolvedGroup[];
  /** How the Redshift steps reach Redshift; undefined when the spec names no Redshift connection. */
  readonly redshift: RedshiftRoute | undefined;
  /** Every notification target, the DAG's first, then each step's. */
  readonly notifyTargets: readonly ResolvedNotifyTarget[];
  /** Expands placeholders (dates, params) in a templated string for this target. */
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
 * is then the time the run was triggered (`dag_run.run_after`). With a
 * `dateParam`, a run that sets it takes its date from it instead.
 */
export function partitionDateExpression(target: AirflowTarget, dateParam?: string): string {
  const interval =
    target.major === 2 ? "data_interval_start" : "(data_interval_start | default(dag_run.run_after, true))";
  // A run that sets the date param (a manual re-run of one partition) renders that date: YYYY-MM-DD, as validation requires.
  return dateParam === undefined
    ? interval
    : `(macros.datetime.fromisoformat(params.${dateParam}) if params.${dateParam} else ${interval})`;
}

export function resolvePipeline(spec: ValidSpec, options: ResolveOptions = {}): ResolvedPipeline {
  const target = airflowTarget(options.airflowVersion ?? spec.pipeline.airflowVersion);
  const date = partitionDateExpression(target, spec.pipeline.dateParam);
  return {
    file: spec.file,
    source: options.source ?? spec.file,
    locate: spec.locate,
    pipeline: spec.pipeline,
    target,
    // Validation guarantees a real date and time.
    startDate: dateTimeParts(spec.pipeline.startDate)!,
    steps: resolveSteps(spec.pipeline),
    groups: taskGroups(spec.pipeline),
    redshift: spec.pipeline.connections.redshift && redshiftRoute(spec.pipeline),
    notifyTargets: notifyTargets(spec.pipeline),
    templated: (text) => expandPlaceholders(text, date),
    runner:
      spec.pipeline.xtableRunner && spec.pipeline.steps.some((s) => s.kind === "xtable")
        ? runnerReference(spec.pipeline.xtableRunner, runnerPin())
        : undefined,
  };
}
