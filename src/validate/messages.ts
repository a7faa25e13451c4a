/**
 * Turns zod issues into problems a person can act on: one line saying what
 * is wrong, and where it helps, a hint with the likely fix. The one place a
 * zod issue becomes words: spec validation, the deploy config and manifest,
 * and XTable's config files all describe their issues here.
 */
import type { z } from "zod";
import { nearest } from "../spec/nearest.js";

export { nearest };

export interface IssueText {
  readonly message: string;
  readonly hint?: string;
}

/** Codes whose generic description a schema's own message replaces. */
const OWN_MESSAGE_CODES = new Set(["invalid_type", "invalid_value", "too_small", "too_big"]);

/** zod's own English messages start so ("Invalid input: …", "Too small: …"); a schema's own do not. */
const ZOD_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)\b/;

/** The words for one issue; parse with `{ reportInput: true }`, or a value of the wrong type reads as missing. */
export function describeIssue(issue: z.core.$ZodIssue): IssueText {
  // A message the schema gives itself says more than any description of the code (`must be DELTA: …`).
  if (OWN_MESSAGE_CODES.has(issue.code) && !ZOD_MESSAGE.test(issue.message)) return { message: issue.message };
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return { message: "is required" };
      return { message: `expected ${article(issue.expected)}, got ${describeValue(issue.input)}` };
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v));
      if (issue.input === undefined)
        return {
          message: "is required",
          hint: `use ${options.length === 1 ? options[0] : `one of ${options.join(", ")}`}`,
        };
      const got = describeValue(issue.input);
      if (options.length === 1) return { message: `must be ${options[0]}, got ${got}` };
      const near = typeof issue.input === "string" ? nearest(issue.input, issue.values.map(String)) : undefined;
      return {
        message: `must be one of ${options.join(", ")}; got ${got}`,
        ...(near ? { hint: `did you mean "${near}"?` } : {}),
      };
    }
    case "invalid_union": {
      if (issue.discriminator) {
        const discriminator = issue.discriminator;
        const value =
          issue.input !== null && typeof issue.input === "object"
            ? (issue.input as Record<string, unknown>)[discriminator]
            : issue.input;
        const options = ("options" in issue ? (issue.options ?? []) : []).map(String);
        const near = typeof value === "string" ? nearest(value, options) : undefined;
        return {
          message:
            value === undefined ? `is missing "${discriminator}"` : `unknown ${discriminator} ${describeValue(value)}`,
          hint: near ? `did you mean "${near}"?` : `use one of ${options.join(", ")}`,
        };
      }
      if (issue.input === undefined) return { message: "is required" };
      // Each alternative failed on the value's type: name the types it may have.
      const expected = issue.errors.map((alternative) =>
        alternative.length === 1 && alternative[0]!.code === "invalid_type" ? alternative[0]!.expected : undefined,
      );
      if (expected.length > 0 && expected.every((e) => e !== undefined))
        return {
          message: `expected ${expected.map((e) => (e === "null" ? "null" : article(e!))).join(" or ")}, got ${describeValue(issue.input)}`,
        };
      return { message: stripZodPrefix(issue.message) };
    }
    case "too_small":
      if (issue.origin === "array")
        return { message: `needs at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}` };
      if (issue.origin === "string")
        return { message: issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters` };
      return { message: `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}` };
    case "too_big":
      if (issue.origin === "string") return { message: `must be at most ${issue.maximum} characters` };
      if (issue.origin === "array") return { message: `has more than ${issue.maximum} items` };
      return { message: `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}` };
    case "invalid_key":
      return issue.issues[0] ? describeIssue(issue.issues[0]) : { message: "is not an allowed key" };
    case "custom": {
      // A refinement may carry its hint in params.
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return { message: stripZodPrefix(issue.message), ...(typeof hint === "string" ? { hint } : {}) };
    }
    default:
      return { message: stripZodPrefix(issue.message) };
  }
}

/**
 * A union of a scalar form and a mapping form (such as `schedule`, a cron
 * string or `{ assets }`) given a mapping: when every other alternative
 * failed only on the value's type, the mapping form's own issues, at their
 * own paths, say far more than the union's "invalid input". Other issues are
 * kept as they are.
 */
export function narrowUnion(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.discriminator || !isMapping(issue.input)) return [issue];
  const onType = (alt: readonly z.core.$ZodIssue[]) =>
    alt.length === 1 &&
    (alt[0]!.code === "invalid_type" || alt[0]!.code === "invalid_union") &&
    alt[0]!.path.length === 0;
  const tried = issue.errors.filter((alt) => !onType(alt));
  if (tried.length !== 1 || issue.errors.length < 2) return [issue];
  return tried[0]!.flatMap((sub) => narrowUnion({ ...sub, path: [...issue.path, ...sub.path] } as z.core.$ZodIssue));
}

function isMapping(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Describes an unknown key, suggesting the closest known one. */
export function describeUnknownKey(key: string, knownKeys: readonly string[]): IssueText {
  const near = nearest(key, knownKeys);
  return {
    message: `unknown key "${key}"`,
    hint: near ? `did you mean "${near}"?` : "remove it; see `pipegen schema` for the allowed keys",
  };
}

function stripZodPrefix(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}
