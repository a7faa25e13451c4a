/**
 * Checks of `operator` steps that need the target Airflow version or the
 * whole pipeline. For a class in pipegen's table of known operators
 * (spec/known-operators.ts): every argument is one the class takes on the
 * target, none it requires is missing, and placeholders or Jinja appear
 * only in fields Airflow templates. For any class: its name does not clash
 * with another name the DAG module imports. Nothing is imported.
 */
import type { SpecPath } from "../load/index.js";
import { type AirflowTarget, airflowTarget } from "../spec/airflow-versions.js";
import { acceptedArguments, KNOWN_OPERATORS, type KnownOperator, MEASURED_VERSIONS } from "../spec/known-operators.js";
import { OPERATOR_TEMPLATING } from "../spec/operator-templating.js";
import type { Pipeline } from "../spec/pipeline.js";
import { ANY_PLACEHOLDER } from "../spec/placeholders.js";
import type { ArgumentValue } from "../spec/steps/operator.js";
import { nearest } from "./messages.js";

export interface OperatorStepProblem {
  readonly path: SpecPath;
  readonly message: string;
  readonly hint: string;
  /** Located at the key rather than its value. */
  readonly key?: boolean;
}

/**
 * Class names the generated module binds besides the operators: the DAG
 * class, the 3.x timetable, datasets or assets, and notifiers. pipegen's own operator classes are added from
 * OPERATOR_TEMPLATING.
 */
const MODULE_CLASSES = [
  "airflow.DAG",
  "airflow.sdk.DAG",
  "airflow.timetables.interval.CronDataIntervalTimetable",
  "airflow.datasets.Dataset",
  "airflow.datasets.DatasetAny",
  "airflow.sdk.Asset",
  "airflow.sdk.AssetAny",
  "airflow.providers.amazon.aws.notifications.sns.SnsNotifier",
  "airflow.providers.slack.notifications.slack_webhook.SlackWebhookNotifier",
];

export function operatorStepProblems(pipeline: Pipeline, target: AirflowTarget): OperatorStepProblem[] {
  const problems: OperatorStepProblem[] = [];
  const bound = new Map<string, Set<string>>();
  for (const path of [...MODULE_CLASSES, ...Object.keys(OPERATOR_TEMPLATING)]) {
    const name = path.slice(path.lastIndexOf(".") + 1);
    bound.set(name, (bound.get(name) ?? new Set()).add(path));
  }
  for (const [i, step] of pipeline.steps.entries()) {
    if (step.kind !== "operator") continue;
    const name = step.operator.slice(step.operator.lastIndexOf(".") + 1);
    const others = [...(bound.get(name) ?? [])].filter((p) => p !== step.operator);
    if (others.length > 0)
      problems.push({
        path: ["steps", i, "operator"],
        message: `imports a class named ${name}, as ${others.join(" and ")} does: one DAG module cannot import both`,
        hint: `re-export the class under another name from a module of yours (class My${name}(${name}): pass), or use pipegen's own step kind`,
      });
    bound.set(name, (bound.get(name) ?? new Set()).add(step.operator));

    const known = KNOWN_OPERATORS[step.operator];
    if (!known) continue;
    const accepted = acceptedArguments(known, target);
    const on = `on Airflow ${target.version} with the Amazon provider MWAA ships`;
    for (const [arg, value] of Object.entries(step.arguments)) {
      if (!accepted.has(arg)) {
        const near = nearest(arg, [...accepted]);
        const elsewhere = MEASURED_VERSIONS.filter((v) => acceptedArguments(known, airflowTarget(v)).has(arg));
        problems.push({
          path: ["steps", i, "arguments", arg],
          key: true,
          message: `${name} takes no argument "${arg}" ${on}: Airflow would refuse the DAG`,
          hint:
            elsewhere.length > 0
              ? `"${arg}" comes with the Amazon provider of Airflow ${elsewhere.join(", ")}: target that version, or drop it`
              : near
                ? `did you mean "${near}"?`
                : `its own arguments: ${ownArguments(known, accepted).join(", ")}`,
        });
        continue;
      }
      if (known.templateFields.includes(arg)) continue;
      const templated = firstTemplated(value, ["steps", i, "arguments", arg]);
      if (templated)
        problems.push({
          path: templated,
          message: `${name} does not template "${arg}": Airflow passes it as written, so a placeholder or Jinja there reaches the operator as text`,
          hint: `use placeholders and Jinja only in its templated fields: ${known.templateFields.join(", ")}`,
        });
    }
    const missing = known.required.filter((r) => !(r in step.arguments));
    if (missing.length > 0)
      problems.push({
        path: ["steps", i, Object.keys(step.arguments).length > 0 ? "arguments" : "operator"],
        message: `${name} needs ${missing.length === 1 ? "the argument" : "the arguments"} ${missing.join(", ")}`,
        hint: `add ${missing.map((m) => `${m}: ...`).join(", ")} under arguments`,
      });
  }
  return problems;
}

/** The path of the first string in `value` with a placeholder (a date's or a param's) or Jinja markup. */
function firstTemplated(value: ArgumentValue, path: SpecPath): SpecPath | undefined {
  if (typeof value === "string") return ANY_PLACEHOLDER.test(value) || /\{[{%#]/.test(value) ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = firstTemplated(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/** The arguments of the class itself (not BaseOperator's) among those it accepts, sorted. */
function ownArguments(known: KnownOperator, accepted: ReadonlySet<string>): string[] {
  const own = new Set(Object.values(known.parameters).flat());
  return [...accepted].filter((a) => own.has(a)).sort();
}
