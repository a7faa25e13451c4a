/**
 * What run parameters must be for the DAG to import and its runs to render:
 * a scheduled DAG gives every param a default (Airflow refuses to import it
 * otherwise); `${params.<name>}` names a declared param whose value cannot
 * change what the text around it means (no quote, no backslash, no colon);
 * and `dateParam` names a nullable date param that date placeholders can
 * take the run's date from.
 */
import type { SpecProblem } from "../problem.js";
import type { Param } from "../spec/params.js";
import { typesOf } from "../spec/params.js";
import type { Pipeline } from "../spec/pipeline.js";
import { PARAM_PLACEHOLDER } from "../spec/placeholders.js";
import type { Step } from "../spec/steps/index.js";
import { templatedFields } from "../spec/templated-fields.js";
import { nearest } from "./messages.js";

/** Text that renders the same inside an S3 key, a SQL string literal, a Glue argument and Jinja. */
const SAFE_TEXT = /^[A-Za-z0-9._/=-]*$/;

/** Why a param's value cannot stand in text as `${params.<name>}`, or undefined when it can. */
export function unsafeInText(param: Param): string | undefined {
  const types = typesOf(param).filter((t) => t !== "null");
  if (types.some((t) => t === "array" || t === "object"))
    return "is a list or a mapping, which would render as Python's text for it";
  if (!types.includes("string")) return undefined;
  if (param.enum !== undefined) {
    const odd = param.enum.find((v) => typeof v === "string" && !SAFE_TEXT.test(v));
    return odd === undefined
      ? undefined
      : `may be ${JSON.stringify(odd)}, which holds characters other than letters, digits and . _ / = -`;
  }
  if (param.format === "date") return undefined;
  return "is free text, which could hold a quote, a backslash or a colon and change what the text around it means";
}

/** Problems of a valid pipeline's run parameters and of what reads them. */
export function paramProblems({
  file,
  pipeline,
}: {
  readonly file: string;
  readonly pipeline: Pipeline;
}): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const declared = Object.keys(pipeline.params);
  const scheduled = pipeline.schedule !== null && pipeline.schedule !== "none";

  for (const [name, param] of Object.entries(pipeline.params))
    if (param.default === undefined && scheduled)
      problems.push({
        file,
        path: ["params", name],
        message:
          "has no default, but the DAG has a schedule: Airflow refuses to import it, as a scheduled run could not have a value",
        hint: 'give it a default (null, with type [string, "null"], leaves it empty), or set schedule: null for manual runs only',
      });

  (pipeline.steps as Step[]).forEach((step, i) => {
    for (const field of templatedFields(step, i)) {
      if (!field.placeholders) continue;
      for (const m of field.text.matchAll(new RegExp(PARAM_PLACEHOLDER.source, "g"))) {
        const name = m[1]!;
        const param = pipeline.params[name];
        if (!param) {
          const near = nearest(name, declared);
          problems.push({
            file,
            path: field.path,
            message: `\${params.${name}} names no param of this pipeline`,
            hint: near
              ? `did you mean \${params.${near}}?`
              : declared.length > 0
                ? `declared params: ${declared.join(", ")}`
                : "declare it under params: with a type and a default",
          });
          continue;
        }
        const why = unsafeInText(param);
        if (why)
          problems.push({
            file,
            path: field.path,
            message: `\${params.${name}} cannot stand in text: the param ${why}`,
            hint: "give it an enum of plain words, format: date, or a number or boolean type; raw Jinja ({{ params.<name> }}) is written as you write it",
          });
      }
    }
  });

  if (pipeline.dateParam !== undefined) {
    const param = pipeline.params[pipeline.dateParam];
    const types = param ? typesOf(param) : [];
    const why = !param
      ? `names no param; declared params: ${declared.join(", ") || "none"}`
      : !types.includes("string") || types.some((t) => t !== "string" && t !== "null") || param.format !== "date"
        ? `names ${pipeline.dateParam}, which is not a date: it must have type [string, "null"] and format: date`
        : param.default !== null && param.default !== undefined
          ? `names ${pipeline.dateParam}, whose default is a date: every scheduled run would render that date instead of its own`
          : undefined;
    if (why)
      problems.push({
        file,
        path: ["dateParam"],
        message: why,
        hint: 'declare it as { type: [string, "null"], format: date, default: null }: a manual run that sets it renders that date, every other run its own',
      });
  }
  return problems;
}
