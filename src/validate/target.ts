/**
 * Checks that depend on the Airflow version a spec is rendered for: the
 * version it declares, or the one `--airflow-version` gives the whole bundle.
 */

import { checkTemplate } from "../jinja/check.js";
import type { SpecProblem } from "../problem.js";
import {
  CONTEXT_RENAMED_IN_3,
  JINJA_FILTERS,
  JINJA_TESTS,
  templateNames,
  triggerRuleNeeds,
} from "../spec/airflow-facts.js";
import type { AirflowTarget } from "../spec/airflow-versions.js";
import type { Pipeline } from "../spec/pipeline.js";
import type { Step } from "../spec/steps/index.js";
import { templatedFields } from "../spec/templated-fields.js";

/** Problems of a valid pipeline on `target`; `overridden` says the target comes from --airflow-version. */
export function targetProblems(
  { file, pipeline }: { readonly file: string; readonly pipeline: Pipeline },
  target: AirflowTarget,
  overridden: boolean,
): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const renderedFor = `this DAG is rendered for Airflow ${target.version}${overridden ? " (--airflow-version)" : ""}`;
  for (const [i, step] of pipeline.steps.entries()) {
    const rule = step.triggerRule;
    const since = rule && triggerRuleNeeds(rule, target);
    if (since)
      problems.push({
        file,
        path: ["steps", i, "triggerRule"],
        message: `"${rule}" needs Airflow ${since.replace(/\.0$/, "")} or later, but ${renderedFor}`,
        hint: "Airflow refuses an unknown trigger rule when it imports the DAG: pick another rule, or target a newer Airflow",
      });
  }
  problems.push(...undefinedNameProblems(file, pipeline, target, renderedFor));
  return problems;
}

/**
 * Airflow renders templated fields with StrictUndefined: a name that is not
 * in the task's context fails every run, and so does a `params.<name>` the
 * DAG does not declare. (Syntax, filters and tests are checked by the
 * schema, for every version alike.)
 */
function undefinedNameProblems(
  file: string,
  pipeline: Pipeline,
  target: AirflowTarget,
  renderedFor: string,
): SpecProblem[] {
  const env = {
    names: templateNames(target),
    filters: new Set<string>(JINJA_FILTERS),
    tests: new Set<string>(JINJA_TESTS),
    params: new Set(Object.keys(pipeline.params)),
  };
  const problems: SpecProblem[] = [];
  (pipeline.steps as Step[]).forEach((step, i) => {
    for (const field of templatedFields(step, i)) {
      if (!/[{}]/.test(field.text)) continue;
      for (const p of checkTemplate(field.text, env, { placeholders: field.placeholders })) {
        if (p.undeclaredParams) {
          const declared = [...env.params];
          problems.push({
            file,
            path: field.path,
            message: `${p.message}: a run without it fails to render (a scheduled run sets no params)`,
            hint:
              declared.length > 0
                ? `declared params: ${declared.join(", ")}; declare it under params:, or guard it with | default(...)`
                : "declare it under params: with a type and a default, or guard it with | default(...)",
          });
          continue;
        }
        if (!p.undefinedNames) continue;
        const renamed = p.undefinedNames.filter((n) => n in CONTEXT_RENAMED_IN_3);
        problems.push({
          file,
          path: field.path,
          message: `${p.message}; ${renderedFor}, and Airflow fails every run that renders an undefined name`,
          hint:
            target.major === 3 && renamed.length > 0
              ? renamed.map((n) => `Airflow 3 has no ${n}: use ${CONTEXT_RENAMED_IN_3[n]}`).join("; ")
              : "use a name of Airflow's template context (ds, data_interval_start, macros, var, conn, params, ...) or a date placeholder such as ${DATE}, or guard it with `is defined` or `| default(...)`",
        });
      }
    }
  });
  return problems;
}
