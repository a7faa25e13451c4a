/**
 * The DAG's `params`: one Airflow `Param` per run parameter, its default
 * first and its JSON Schema keywords as keyword arguments, all emitted as
 * Python literals.
 */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { Param } from "../spec/params.js";
import { PyCall, type PyValue, pyDict } from "./python.js";

/** JSON Schema keywords in the order the `Param` call lists them. */
const KEYWORDS = [
  "type",
  "enum",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "items",
  "minItems",
  "maxItems",
  "title",
  "description",
] as const;

/** The `params={...}` argument of the DAG, or undefined when the spec declares none. */
export function dagParams(ctx: ResolvedPipeline): PyValue | undefined {
  const params = Object.entries(ctx.pipeline.params);
  if (params.length === 0) return undefined;
  const module = ctx.target.major === 2 ? "airflow.models.param" : "airflow.sdk";
  return Object.fromEntries(params.map(([name, param]) => [name, paramCall(param, module)]));
}

function paramCall(param: Param, module: string): PyCall {
  const kwargs = KEYWORDS.flatMap((k) => {
    const value = param[k];
    if (value === undefined) return [];
    return [[k, k === "items" ? pyDict(Object.entries(value as object)) : (value as PyValue)] as const];
  });
  return new PyCall("Param", param.default === undefined ? [] : [param.default], kwargs, [
    `from ${module} import Param`,
  ]);
}
