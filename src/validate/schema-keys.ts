/** Finds the keys an object in the spec may have, for "did you mean" hints. */
import { z } from "zod";
import type { SpecPath } from "../load/index.js";

/** Keys allowed at `path`, following the data to pick the right step kind. */
export function allowedKeysAt(schema: z.ZodType, path: SpecPath, data: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value: unknown = data;
  for (const seg of [...path, undefined]) {
    current = current && resolve(current, value);
    if (seg === undefined || !current) break;
    if (current instanceof z.ZodObject) current = current.shape[String(seg)] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else current = undefined;
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[String(seg)] : undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** Looks through wrappers and picks the union member that matches the data. */
function resolve(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  for (let i = 0; i < 20; i++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable)
      schema = schema.unwrap() as z.ZodType;
    else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
    else if (schema instanceof z.ZodDiscriminatedUnion) {
      const kind = value !== null && typeof value === "object" ? (value as Record<string, unknown>).kind : undefined;
      const option = (schema.options as z.ZodType[]).find(
        (o) => o instanceof z.ZodObject && (o.shape as Record<string, z.ZodType>).kind?.safeParse(kind).success,
      );
      if (!option) return undefined;
      schema = option;
    } else if (schema instanceof z.ZodUnion) {
      const keys = value !== null && typeof value === "object" ? Object.keys(value) : [];
      const options = (schema.options as z.ZodType[])
        .map((o) => resolve(o, value))
        .filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      // The option sharing the most keys with the data is the one the author meant.
      const score = (o: z.ZodObject) => keys.filter((k) => k in o.shape).length;
      return options.sort((a, b) => score(b) - score(a))[0];
    } else return schema;
  }
  return schema;
}
