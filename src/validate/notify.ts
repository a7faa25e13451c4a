/**
 * The texts of notifications are rendered with Jinja by the notifier, in the
 * context of the callback that runs it. A step's callbacks get the task's
 * template context; a DAG's may get only `dag`, `run_id` and `reason` (what
 * Airflow 3's DAG processor passes when it has no task instance to build
 * more from), so a pipeline-level text may read only those, on every version.
 */
import { checkTemplate } from "../jinja/check.js";
import type { SpecPath } from "../load/index.js";
import { JINJA_FILTERS, JINJA_GLOBALS, JINJA_TESTS, templateNames } from "../spec/airflow-facts.js";
import type { AirflowTarget } from "../spec/airflow-versions.js";
import type { Notify } from "../spec/common.js";
import type { Pipeline } from "../spec/pipeline.js";

/** What every DAG-level callback context holds. */
export const DAG_CALLBACK_NAMES = ["dag", "run_id", "reason"] as const;

export interface NotifyProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint: string;
}

export function notifyProblems(pipeline: Pipeline, target: AirflowTarget): NotifyProblem[] {
  const dagNames = new Set<string>([...DAG_CALLBACK_NAMES, ...JINJA_GLOBALS]);
  const problems = textProblems(pipeline.notify, ["notify"], dagNames, {
    hint: `a DAG's notification may read only ${DAG_CALLBACK_NAMES.join(", ")}: Airflow 3 gives a DAG callback no more when the run has no task instance to build it from; put task details in a step's notify`,
  });
  const taskNames = templateNames(target);
  for (const [i, step] of pipeline.steps.entries())
    problems.push(
      ...textProblems(step.notify, ["steps", i, "notify"], taskNames, {
        hint: "use a name of the task's template context (dag, ti, run_id, ds, data_interval_start, ...)",
      }),
    );
  return problems;
}

function textProblems(
  notify: Notify | undefined,
  at: SpecPath,
  names: ReadonlySet<string>,
  { hint }: { hint: string },
): NotifyProblem[] {
  const env = { names, filters: new Set<string>(JINJA_FILTERS), tests: new Set<string>(JINJA_TESTS) };
  const out: NotifyProblem[] = [];
  for (const event of ["onFailure", "onSuccess"] as const)
    for (const [i, t] of (notify?.[event] ?? []).entries())
      for (const field of ["subject", "message"] as const) {
        const text = (t as { subject?: string; message?: string })[field];
        if (text === undefined || !/[{}]/.test(text)) continue;
        for (const p of checkTemplate(text, env))
          if (p.undefinedNames)
            out.push({
              path: [...at, event, i, field],
              message: `${p.message}; Airflow fails to send a notification that renders an undefined name`,
              hint,
            });
      }
  return out;
}
