/**
 * Run parameters: Airflow `params`, each a JSON Schema with a default, shown
 * in the trigger form and readable in templates as `params.<name>` (and in
 * specs as `${params.<name>}`). Airflow checks a run's values, defaults
 * included, with Python's `jsonschema`, and refuses to import a scheduled
 * DAG whose defaults do not pass; this module checks the same keywords
 * ahead of time, so a spec that validates imports.
 *
 * Only the keywords below are accepted: the ones the trigger form uses and
 * both validators read alike. `pattern` is not among them: Python's and
 * JavaScript's regular expressions differ, so pipegen could not promise
 * what Airflow would match.
 */
import { z } from "zod";
import { PARAMS_ATTRIBUTES } from "../jinja/check.js";
import { daysInMonth } from "./dates.js";

/** JSON Schema's types, as a param's `type` names them. */
export const PARAM_TYPES = ["string", "integer", "number", "boolean", "array", "object", "null"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** String formats pipegen checks, as Airflow's jsonschema FormatChecker() does (see FORMAT_CHECKS). */
export const PARAM_FORMATS = ["date", "date-time", "time"] as const;

/** A JSON value (what a param's default, or a run's value, may be). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, { message: "must be a finite number" }),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const paramType = z.enum(PARAM_TYPES);

/** The keywords that constrain values; `items` holds the same keywords for an array's elements. */
const constraints = {
  /** One type, or several: `[string, "null"]` lets a run leave the value empty. */
  type: z.union([paramType, z.array(paramType).min(1)], {
    error: `must be one of ${PARAM_TYPES.map((t) => JSON.stringify(t)).join(", ")}, or a list of them`,
  }),
  enum: z.array(jsonValue).min(1).optional(),
  format: z.enum(PARAM_FORMATS).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  exclusiveMinimum: z.number().optional(),
  exclusiveMaximum: z.number().optional(),
  multipleOf: z.number().positive().optional(),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(0).optional(),
  minItems: z.number().int().min(0).optional(),
  maxItems: z.number().int().min(0).optional(),
};

/** The schema of an array's elements: the same keywords, one level deep. */
const itemSchema = z.strictObject(constraints).superRefine((schema, ctx) => checkKeywords(schema, ctx));

export type ParamConstraints = z.output<typeof itemSchema> & { readonly items?: ParamConstraints };

/** One run parameter. */
export const paramSchema = z
  .strictObject({
    ...constraints,
    /** What a scheduled run gets, and what the trigger form shows first. Without one, only manual runs can give it. */
    default: jsonValue.optional(),
    /** Shown in the trigger form. */
    title: z.string().optional(),
    description: z.string().optional(),
    items: itemSchema.optional(),
  })
  .superRefine((schema, ctx) => {
    checkKeywords(schema, ctx);
    if (schema.items !== undefined && !typesOf(schema).includes("array"))
      ctx.addIssue({
        code: "custom",
        path: ["items"],
        message: `applies to arrays, but type is ${describeTypes(schema)}`,
      });
    for (const [i, value] of (schema.enum ?? []).entries()) {
      const why = valueProblem(value, { ...schema, enum: undefined });
      if (why) ctx.addIssue({ code: "custom", path: ["enum", i], message: `can never be a value: ${why}` });
    }
    if (schema.default !== undefined) {
      const why = valueProblem(schema.default, schema);
      if (why)
        ctx.addIssue({
          code: "custom",
          path: ["default"],
          message: `does not fit the param's schema: ${why}`,
          params: { hint: "Airflow checks defaults with jsonschema and refuses a scheduled DAG whose defaults fail" },
        });
    }
  });

export type Param = z.output<typeof paramSchema>;

/** A param's name: what templates read as `params.<name>`. */
export const paramName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, {
    message:
      "must be a lowercase identifier (letters, digits, '_'; starts with a letter), as templates read params.<name>",
  })
  .refine((name) => !PARAMS_ATTRIBUTES.has(name), {
    message: "is a method of Airflow's params mapping: params.<name> in a template would be the method, not the param",
  });

/** Keywords that apply to one type only: for a mistake such as `format` on an integer. */
const KEYWORD_TYPES: ReadonlyArray<readonly [keyword: keyof typeof constraints, types: readonly ParamType[]]> = [
  ["format", ["string"]],
  ["minLength", ["string"]],
  ["maxLength", ["string"]],
  ["minimum", ["integer", "number"]],
  ["maximum", ["integer", "number"]],
  ["exclusiveMinimum", ["integer", "number"]],
  ["exclusiveMaximum", ["integer", "number"]],
  ["multipleOf", ["integer", "number"]],
  ["minItems", ["array"]],
  ["maxItems", ["array"]],
];

function checkKeywords(schema: z.output<typeof itemSchema>, ctx: z.core.$RefinementCtx<unknown>): void {
  const types = typesOf(schema);
  if (new Set(types).size !== types.length)
    ctx.addIssue({ code: "custom", path: ["type"], message: "names a type twice" });
  for (const [keyword, applies] of KEYWORD_TYPES)
    if (schema[keyword] !== undefined && !types.some((t) => applies.includes(t)))
      ctx.addIssue({
        code: "custom",
        path: [keyword],
        message: `applies to ${applies.join(" and ")} values, but type is ${describeTypes(schema)}`,
      });
  for (const [low, high] of [
    ["minimum", "maximum"],
    ["minLength", "maxLength"],
    ["minItems", "maxItems"],
  ] as const)
    if (schema[low] !== undefined && schema[high] !== undefined && schema[low] > schema[high])
      ctx.addIssue({
        code: "custom",
        path: [low],
        message: `is above ${high} (${schema[high]}): no value fits`,
      });
}

/** A schema's types as a list. */
export function typesOf(schema: { readonly type: ParamType | readonly ParamType[] }): readonly ParamType[] {
  return typeof schema.type === "string" ? [schema.type] : schema.type;
}

function describeTypes(schema: { readonly type: ParamType | readonly ParamType[] }): string {
  return typesOf(schema).join(" or ");
}

/** JSON Schema's type of a value; an integral number is both "integer" and "number". */
function fitsType(value: JsonValue, type: ParamType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
  }
}

/**
 * Why a value does not fit a schema (undefined when it does), checking what
 * jsonschema checks for these keywords: lengths in code points, integers
 * including 1.0, formats as RFC 3339 full-date, date-time and time.
 */
export function valueProblem(value: JsonValue, schema: ParamConstraints): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value))
    return `${value} is larger than the whole numbers pipegen writes exactly`;
  if (!typesOf(schema).some((t) => fitsType(value, t)))
    return `${JSON.stringify(value)} is not of type ${describeTypes(schema)}`;
  if (schema.enum !== undefined && !schema.enum.some((e) => sameJson(e, value)))
    return `${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      return `${value} is less than minimum ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum)
      return `${value} is greater than maximum ${schema.maximum}`;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      return `${value} is not greater than exclusiveMinimum ${schema.exclusiveMinimum}`;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      return `${value} is not less than exclusiveMaximum ${schema.exclusiveMaximum}`;
    if (schema.multipleOf !== undefined && !isMultiple(value, schema.multipleOf))
      return `${value} is not a multiple of ${schema.multipleOf}`;
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      return `${JSON.stringify(value)} is shorter than ${schema.minLength} characters`;
    if (schema.maxLength !== undefined && length > schema.maxLength)
      return `${JSON.stringify(value)} is longer than ${schema.maxLength} characters`;
    if (schema.format !== undefined && !FORMAT_CHECKS[schema.format](value))
      return `${JSON.stringify(value)} is not a ${schema.format} (${FORMAT_EXAMPLES[schema.format]})`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `has fewer than ${schema.minItems} items`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      return `has more than ${schema.maxItems} items`;
    if (schema.items !== undefined)
      for (const [i, item] of value.entries()) {
        const why = valueProblem(item, schema.items);
        if (why) return `item ${i}: ${why}`;
      }
  }
  return undefined;
}

/**
 * jsonschema's multipleOf: an integral divisor (emitted as a Python int)
 * leaves no remainder; a fractional one gives a whole quotient, exactly, as
 * Python's floats compute it (so 0.3 is not a multiple of 0.1).
 */
function isMultiple(value: number, divisor: number): boolean {
  if (Number.isInteger(divisor)) return value % divisor === 0;
  const quotient = value / divisor;
  return Number.isFinite(quotient) && Math.trunc(quotient) === quotient;
}

/** Equality as JSON Schema's enum uses it (1 and 1.0 are equal; true and 1 are not). */
function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]!));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k]!, b[k]!));
  }
  return false;
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([zZ]|[+-](\d{2}):(\d{2}))$/;

function isDate(text: string): boolean {
  const m = FULL_DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Python's dates start at year 1; Date.UTC would read years below 100 as 19xx.
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function isTime(text: string): boolean {
  const m = TIME.exec(text);
  if (!m) return false;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const offsetOk = m[6] === undefined || (Number(m[6]) <= 23 && Number(m[7]) <= 59);
  // A leap second (60) is RFC 3339's; jsonschema's checker accepts it only at 23:59 UTC, so pipegen refuses it.
  return hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/**
 * `time` as Airflow checks it: jsonschema's FormatChecker() holds the
 * Draft 3 checker for that name, `datetime.strptime(text, "%H:%M:%S")`, so
 * a time has no zone and no fraction, and strptime's one- or two-digit
 * fields (a leap second fails, as a datetime cannot hold it). ASCII digits
 * only: Python's `\d` takes others.
 */
const STRPTIME_TIME = /^(?:2[0-3]|[01]\d|\d):(?:[0-5]\d|\d):(?:[0-5]\d|\d)$/;

const FORMAT_CHECKS: Record<(typeof PARAM_FORMATS)[number], (text: string) => boolean> = {
  date: isDate,
  // RFC 3339, where Airflow's venv has rfc3339-validator (else Airflow checks nothing: pipegen is the stricter).
  "date-time": (text) => {
    const at = text.search(/[Tt]/);
    return at === 10 && isDate(text.slice(0, at)) && isTime(text.slice(at + 1));
  },
  time: (text) => STRPTIME_TIME.test(text),
};

const FORMAT_EXAMPLES: Record<(typeof PARAM_FORMATS)[number], string> = {
  date: "YYYY-MM-DD",
  "date-time": "YYYY-MM-DDTHH:MM:SSZ, with a zone",
  time: "HH:MM:SS, without a zone",
};
