/**
 * Checks that depend on the Airflow version a spec is rendered for: the
 * version it declares, or the one `--airflow-version` gives the whole bundle.
 */
import type { SpecPath } from "../load/index.js";
import { triggerRuleNeeds } from "../spec/airflow-facts.js";
import type { AirflowTarget } from "../spec/airflow-versions.js";
import type { Pipeline } from "../spec/pipeline.js";

export interface TargetProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint: string;
}

/** Problems of a valid pipeline on `target`; `overridden` says the target comes from --airflow-version. */
export function targetProblems(pipeline: Pipeline, target: AirflowTarget, overridden: boolean): TargetProblem[] {
  const problems: TargetProblem[] = [];
  const renderedFor = `this DAG is rendered for Airflow ${target.version}${overridden ? " (--airflow-version)" : ""}`;
  for (const [i, step] of pipeline.steps.entries()) {
    const rule = step.triggerRule;
    const since = rule && triggerRuleNeeds(rule, target);
    if (since)
      problems.push({
        path: ["steps", i, "triggerRule"],
        message: `"${rule}" needs Airflow ${since.replace(/\.0$/, "")} or later, but ${renderedFor}`,
        hint: "Airflow refuses an unknown trigger rule when it imports the DAG: pick another rule, or target a newer Airflow",
      });
  }
  return problems;
}
