/**
 * The spec strings that reach a templated operator field, where Airflow
 * renders them with Jinja at run time, with their paths in the spec.
 * `placeholders` says whether pipegen expands date placeholders there first.
 * Validation checks the names they read against the target's template context.
 */
import type { SpecPath } from "../problem.js";
import { unhandledStepKind } from "./step-kinds.js";
import type { Step } from "./steps/index.js";
import type { ArgumentValue } from "./steps/operator.js";

export interface TemplatedField {
  readonly path: SpecPath;
  readonly text: string;
  readonly placeholders: boolean;
}

/** The templated strings of step `index`. */
export function templatedFields(step: Step, index: number): TemplatedField[] {
  const out: TemplatedField[] = [];
  const add = (path: readonly PropertyKey[], text: string | undefined, placeholders: boolean): void => {
    if (text !== undefined) out.push({ path: ["steps", index, ...path], text, placeholders });
  };
  switch (step.kind) {
    case "s3Sensor":
      add(["key"], step.key, true);
      break;
    case "glueCrawler":
      for (const [i, t] of (step.manage?.s3Targets ?? []).entries()) add(["manage", "s3Targets", i], t, false);
      break;
    case "glueJob":
      add(["scriptLocation"], step.scriptLocation, false);
      for (const [name, value] of Object.entries(step.args ?? {})) add(["args", name], value, true);
      break;
    case "xtable":
      for (const [i, d] of step.datasets.entries()) {
        add(["datasets", i, "tableBasePath"], d.tableBasePath, true);
        add(["datasets", i, "tableDataPath"], d.tableDataPath, true);
      }
      add(["glueCatalog", "warehouse"], step.glueCatalog?.warehouse, false);
      break;
    case "redshiftProcedure":
      for (const [i, a] of step.args.entries()) add(["args", i], typeof a === "string" ? a : undefined, true);
      break;
    case "redshiftSql":
      if (typeof step.sql === "string") add(["sql"], step.sql, true);
      else for (const [i, s] of step.sql.entries()) add(["sql", i], s, true);
      break;
    case "unload":
      add(["query"], step.query, true);
      add(["to"], step.to, true);
      for (const [i, o] of step.options.entries()) add(["options", i], o, false);
      break;
    case "refreshMaterializedView":
      break;
    case "operator":
      for (const [name, value] of Object.entries(step.arguments)) addStrings(["arguments", name], value, add);
      break;
    default:
      return unhandledStepKind(step);
  }
  return out;
}

/** Every string inside an operator argument: Airflow renders strings in lists and dict values (not keys). */
function addStrings(
  path: readonly PropertyKey[],
  value: ArgumentValue,
  add: (path: readonly PropertyKey[], text: string, placeholders: boolean) => void,
): void {
  if (typeof value === "string") add(path, value, true);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) addStrings([...path, i], v, add);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) addStrings([...path, k], v, add);
}
