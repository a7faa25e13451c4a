/**
 * The templating facts of the operator classes pipegen emits live in
 * spec/operator-templating.ts; this reads them for a resolved class.
 */
import { KNOWN_OPERATORS } from "../spec/known-operators.js";
import { OPERATOR_TEMPLATING, type OperatorTemplating } from "../spec/operator-templating.js";
import type { OperatorClass } from "./model.js";

export type { OperatorTemplating };

/**
 * How Airflow templates an operator class pipegen emits. A class an
 * `operator` step names that pipegen has no facts for is left as it is.
 */
export function templatingOf(operator: OperatorClass): OperatorTemplating {
  const path = `${operator.module}.${operator.name}`;
  const known = OPERATOR_TEMPLATING[path] ?? (operator.fromSpec ? KNOWN_OPERATORS[path] : undefined);
  if (known) return known;
  if (operator.fromSpec) return { templateFields: [], templateExt: [] };
  throw new Error(`no templating facts for ${path}`);
}
