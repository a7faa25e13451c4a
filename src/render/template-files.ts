/**
 * Airflow reads a templated string that ends in one of the operator's
 * `template_ext` suffixes (`.sql` for the Redshift and SQL operators, `.json`
 * too for SQLExecuteQueryOperator) as the name of a template file, so SQL
 * that merely ends in `-- see etl/cleanup.sql` fails every run with
 * TemplateNotFound. Every step's tasks pass through here: such a string gets
 * its suffix written as a Jinja string expression, which renders to exactly
 * the text of the spec but no longer ends in the suffix.
 */
import type { TaskModel } from "./model.js";
import { templatingOf } from "./operators.js";
import { PyCode, type PyValue } from "./python.js";

/** The task with every templated string that Airflow would take for a file name rewritten. */
export function withoutTemplateFileNames(task: TaskModel): TaskModel {
  const { templateFields, templateExt } = templatingOf(task.operator);
  if (templateExt.length === 0) return task;
  const kwargs = task.kwargs.map(([name, value]) =>
    templateFields.includes(name) && value !== undefined
      ? ([name, rewrite(value, templateExt)] as const)
      : ([name, value] as const),
  );
  return { ...task, kwargs };
}

/** Airflow's render_template goes into lists, tuples and dict values (not keys). */
function rewrite(value: PyValue, ext: readonly string[]): PyValue {
  if (typeof value === "string") return notAFileName(value, ext);
  if (value === null || typeof value !== "object" || value instanceof PyCode) return value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, ext));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v as PyValue, ext)]));
}

/**
 * `text` unchanged, or with its suffix as `{{ '.sql' }}`. The literal also
 * takes any `{` right before the suffix, so that no new `{{`, `{%` or `{#`
 * forms where the two meet.
 */
export function notAFileName(text: string, ext: readonly string[]): string {
  const suffix = ext.find((e) => text.endsWith(e));
  if (suffix === undefined) return text;
  let cut = text.length - suffix.length;
  while (cut > 0 && text[cut - 1] === "{") cut--;
  const literal = text.slice(cut).replaceAll("\\", "\\\\").replaceAll("'", "\\'");
  return `${text.slice(0, cut)}{{ '${literal}' }}`;
}
