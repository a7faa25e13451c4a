import { z } from "zod";
import { duration, s3BucketName, stepBase, templatedString } from "../common.js";
import { s3KeyForm } from "../s3-keys.js";

/** Waits for keys to appear in S3 (Amazon provider `S3KeySensor`). */
export const s3SensorStep = z
  .strictObject({
    ...stepBase,
    kind: z.literal("s3Sensor"),
    bucket: s3BucketName,
    /** Key or Unix wildcard pattern; may use date placeholders such as `${YYYY}`. */
    key: templatedString.min(1),
    /** Interpret `key` as a wildcard pattern. Defaults to true when the key has `*`, `?` or `[`. */
    wildcard: z.boolean().optional(),
    /** `reschedule` frees the worker slot between pokes; `deferrable` hands the wait to the triggerer. */
    mode: z.enum(["poke", "reschedule", "deferrable"]).default("reschedule"),
    pokeInterval: duration.default(60),
    timeout: duration.default(3600),
  })
  .superRefine((step, ctx) => {
    const form = s3KeyForm(step.key);
    if (typeof form === "object")
      ctx.addIssue({ code: "custom", path: ["key"], message: form.refused, params: { hint: form.hint } });
  });

export type S3SensorStep = z.output<typeof s3SensorStep>;
