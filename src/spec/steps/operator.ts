/**
 * The escape hatch: any Airflow operator, named by its import path, with its
 * keyword arguments as plain data. pipegen imports nothing to check it; it
 * checks the path's shape, emits every argument as a Python literal (date
 * and param placeholders expanded, Jinja checked), and leaves the IAM statements to
 * the spec, since it cannot know which AWS calls the operator makes.
 */
import { z } from "zod";
import { isPythonKeyword, stepBase, templatedString } from "../common.js";
import { RESERVED_ARGUMENTS } from "../known-operators.js";
import { ANY_PLACEHOLDER } from "../placeholders.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why `path` is not an importable operator class path, or undefined when it
 * is one: dotted Python identifiers (ASCII, no keyword), a module of at
 * least one segment, and a class name that starts with an uppercase letter
 * (so that it cannot shadow a task variable, which is lowercase).
 */
export function operatorPathProblem(path: string): string | undefined {
  const segments = path.split(".");
  if (segments.length < 2)
    return "must be <module>.<ClassName>, e.g. airflow.providers.amazon.aws.operators.sns.SnsPublishOperator";
  for (const s of segments) {
    if (!IDENTIFIER.test(s))
      return `segment ${JSON.stringify(s)} is not a Python identifier (ASCII letters, digits, '_'; not starting with a digit)`;
    if (isPythonKeyword(s)) return `segment "${s}" is a Python keyword`;
  }
  const name = segments.at(-1)!;
  if (!/^[A-Z]/.test(name)) return `the class name "${name}" must start with an uppercase letter`;
  if (segments[0] === "pipegen_xtable") return "pipegen_xtable is pipegen's own package: use kind: xtable";
  return undefined;
}

/** `module.ClassName`, checked for shape only: nothing is imported. */
const operatorPath = z.string().superRefine((path, ctx) => {
  const why = operatorPathProblem(path);
  if (why)
    ctx.addIssue({
      code: "custom",
      message: `is not an operator import path: ${why}`,
      params: { hint: "write the class's full import path as in `from <module> import <ClassName>`" },
    });
});

/** A value the spec can hold and Python can write as a literal: JSON, with finite numbers. */
export type ArgumentValue = string | number | boolean | null | ArgumentValue[] | { [key: string]: ArgumentValue };

const argumentValue: z.ZodType<ArgumentValue> = z
  .lazy(() =>
    z.union([
      templatedString,
      z.number().finite(),
      z.boolean(),
      z.null(),
      z.array(argumentValue),
      // Keys are checked by the record's refinement, not its key schema: a failed key schema
      // would hide the message behind the union's "invalid input".
      z.record(z.string(), argumentValue).superRefine((mapping, ctx) => {
        for (const key of Object.keys(mapping))
          if (ANY_PLACEHOLDER.test(key))
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: "is a mapping key, which Airflow does not template: a placeholder there stays text",
            });
      }),
    ]),
  )
  .meta({
    id: "OperatorArgument",
    description:
      "an operator argument: a string (date and ${params.<name>} placeholders and Jinja allowed), number, boolean, null, list or mapping",
  });

const argumentName = z.string().superRefine((name, ctx) => {
  if (!IDENTIFIER.test(name) || isPythonKeyword(name)) {
    ctx.addIssue({ code: "custom", message: "must be a Python identifier: it becomes a keyword argument" });
    return;
  }
  const reserved = RESERVED_ARGUMENTS[name];
  if (reserved) ctx.addIssue({ code: "custom", message: `is set by pipegen`, params: { hint: reserved } });
});

/** An IAM action as `service:Action`, never a wildcard. */
const iamAction = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, {
  message: "must be one IAM action such as sns:Publish (no wildcards: pipegen never grants a wildcard action)",
});

/** An ARN, or "*" (allowed only for actions IAM cannot scope; `pipegen iam` checks). */
const iamResource = z.string().regex(/^(\*|arn:(aws|aws-cn|aws-us-gov):[a-z0-9-]+:[a-z0-9-]*:(\d{12}|\*)?:\S+)$/, {
  message: "must be an ARN such as arn:aws:sns:us-east-1:111122223333:alerts, or * for actions IAM cannot scope",
});

/** One IAM statement the operator needs; `pipegen iam` adds it to the execution role's policy. */
const iamStatement = z.strictObject({
  actions: z.array(iamAction).min(1),
  resources: z.array(iamResource).min(1),
  /** An IAM condition block, e.g. `{ StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } }`. */
  condition: z
    .record(
      z.string().regex(/^[A-Za-z]+$/, { message: "must be an IAM condition operator such as StringEquals" }),
      z.record(z.string().min(1), z.union([z.string(), z.array(z.string()).min(1)])),
    )
    .optional(),
  /** Why the operator needs it, shown by `pipegen iam`. */
  why: z.string().min(1).optional(),
});

export type IamStatementSpec = z.output<typeof iamStatement>;

/** Any Airflow operator class, with its keyword arguments. */
export const operatorStep = z.strictObject({
  ...stepBase,
  kind: z.literal("operator"),
  /** The class's import path, e.g. `airflow.providers.amazon.aws.operators.sns.SnsPublishOperator`. */
  operator: operatorPath,
  /** Keyword arguments, emitted as Python literals; strings may use date and param placeholders and Jinja. */
  arguments: z.record(argumentName, argumentValue).default({}),
  /**
   * The IAM statements the operator needs as the MWAA execution role (`[]`
   * when it makes no AWS call); `pipegen iam` refuses the step without them.
   */
  iam: z.array(iamStatement).optional(),
});

export type OperatorStep = z.output<typeof operatorStep>;
