import { z } from "zod";
import { duration, glueName, iamRoleArn, jinjaString, s3Uri, stepBase, templatedString } from "../common.js";

/** Runs a Glue job (Amazon provider `GlueJobOperator`). */
export const glueJobStep = z.strictObject({
  ...stepBase,
  kind: z.literal("glueJob"),
  job: glueName,
  scriptLocation: s3Uri.pipe(jinjaString).optional(),
  /** The job's IAM role: an ARN, or a role name in the MWAA account. */
  role: z
    .union([iamRoleArn, z.string().regex(/^[A-Za-z0-9+=,.@_-]{1,64}$/)], {
      error: "must be an IAM role ARN or role name",
    })
    .optional(),
  glueVersion: z.enum(["3.0", "4.0", "5.0"]).optional(),
  workerType: z.enum(["G.025X", "G.1X", "G.2X", "G.4X", "G.8X", "Z.2X"]).optional(),
  numberOfWorkers: z.number().int().min(1).max(1000).optional(),
  /** Script arguments, e.g. `{"--run_date": "${DATE}"}`; names start with `--`. */
  args: z
    .record(
      z.string().regex(/^--[A-Za-z0-9_.-]+$/, { message: "must start with -- (Glue job argument)" }),
      templatedString,
    )
    .optional(),
  /** `sensor` adds a `GlueJobSensor` task; `operator` waits inside the operator. */
  wait: z.enum(["sensor", "operator"]).default("sensor"),
  /** Stream the job's CloudWatch logs into the Airflow task log. */
  verbose: z.boolean().default(false),
  pollInterval: duration.default(30),
});

export type GlueJobStep = z.output<typeof glueJobStep>;
