/**
 * Building blocks shared by the pipeline schema and every step schema:
 * identifiers, AWS names and ARNs, S3 URIs, SQL identifiers, durations and
 * cron expressions. Each check carries a hint so that a failed spec tells the
 * user how to fix it, not only what is wrong.
 */
import { z } from "zod";
import { checkTemplate, type TemplateEnvironment } from "../jinja/check.js";
import { JINJA_FILTERS, JINJA_TESTS } from "./airflow-facts.js";
import { assetUri } from "./assets.js";
import { daysInMonth } from "./dates.js";
import { PARAM_PLACEHOLDER, PLACEHOLDER_NAMES } from "./placeholders.js";
import { s3BucketNameProblem } from "./s3-bucket-name.js";

export { s3BucketNameProblem };

const PYTHON_KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
  "match",
  "case",
  "type",
]);

/** True for Python's keywords and soft keywords. */
export function isPythonKeyword(word: string): boolean {
  return PYTHON_KEYWORDS.has(word);
}

/**
 * Names the generated DAG module binds itself (imports and the `dag` object).
 * A task variable with one of these names would shadow them.
 */
const RESERVED_TASK_NAMES = new Set(["dag", "pendulum", "timedelta", "chain", "datetime"]);

/** A lowercase Python identifier: used for DAG ids and task ids, which become variable names. */
export const pythonIdentifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, {
    message: "must be a lowercase Python identifier (letters, digits, underscores; starts with a letter)",
  })
  .max(200)
  .refine((s) => !PYTHON_KEYWORDS.has(s), { message: "is a Python keyword" });

/** A step id: a Python identifier that does not shadow a name the DAG module uses. */
export const stepId = pythonIdentifier.refine((s) => !RESERVED_TASK_NAMES.has(s), {
  message: `is reserved in generated DAGs (${[...RESERVED_TASK_NAMES].join(", ")})`,
});

/** An Airflow connection id. */
export const connId = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/, {
    message: "must be an Airflow connection id (letters, digits, '_', '-', '.', '/')",
  })
  .max(250);

/** Rules from the S3 bucket naming documentation (general purpose buckets). */
export const s3BucketName = z.string().superRefine((name, ctx) => {
  const why = s3BucketNameProblem(name);
  if (why) ctx.addIssue({ code: "custom", message: `is not a valid S3 bucket name: ${why}` });
});

/** `s3://bucket/key...`; the bucket must be valid, the key may be empty. */
export const s3Uri = z.string().superRefine((uri, ctx) => {
  const m = /^s3:\/\/([^/]+)(\/.*)?$/.exec(uri);
  if (!m) {
    ctx.addIssue({ code: "custom", message: "must be an s3:// URI such as s3://my-bucket/path/" });
    return;
  }
  const why = s3BucketNameProblem(m[1]!);
  if (why) ctx.addIssue({ code: "custom", message: `names an invalid S3 bucket '${m[1]}': ${why}` });
});

/** The AWS partitions pipegen writes ARNs for. */
export const AWS_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

export type AwsPartition = (typeof AWS_PARTITIONS)[number];

/**
 * The one definition of AWS partition, region and account id, as regular
 * expression sources without anchors, for the schemas below and every larger
 * pattern (ARNs, UNLOAD's REGION option, IAM's allow-list). Their groups
 * capture, as in the patterns schema/pipeline.schema.json publishes.
 */
export const AWS_PATTERN = {
  partition: `(${AWS_PARTITIONS.join("|")})`,
  /** A region code such as eu-west-1. */
  region: "[a-z]{2}(-[a-z]+)+-\\d+",
  /** A 12-digit account id. */
  account: "\\d{12}",
} as const;

/** The regular expression of an ARN of one service and resource type (region and account may be empty). */
export function arnPattern(service: string, resource: RegExp): RegExp {
  const { partition, region, account } = AWS_PATTERN;
  return new RegExp(`^arn:${partition}:${service}:(${region})?:(${account})?:${resource.source}$`);
}

/** Builds an ARN schema for one service and resource type. */
export function arn(service: string, resource: RegExp, example: string) {
  return z.string().regex(arnPattern(service, resource), { message: `must be an ARN like ${example}` });
}

export const secretArn = arn(
  "secretsmanager",
  /secret:[A-Za-z0-9/_+=.@-]+/,
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:airflow/redshift-AbCdEf",
);

export const iamRoleArn = arn("iam", /role\/[A-Za-z0-9+=,.@_/-]+/, "arn:aws:iam::123456789012:role/glue-etl");

/** An unquoted Redshift identifier (schema, table, view or procedure name). */
export const sqlIdentifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, {
    message: "must be a plain SQL identifier (letters, digits, '_' and '$'; no quotes or dots)",
  })
  .max(127);

/** AWS region code such as eu-west-1. */
export const awsRegion = z
  .string()
  .regex(new RegExp(`^${AWS_PATTERN.region}$`), { message: "must be an AWS region code such as eu-west-1" });

/** A 12-digit AWS account id. */
export const awsAccountId = z
  .string()
  .regex(new RegExp(`^${AWS_PATTERN.account}$`), { message: "must be a 12-digit AWS account id" });

/** Glue resource names (crawlers, jobs, databases). */
export const glueName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\p{L}\p{N}_.\-: ]+$/u, { message: "must be a Glue name (letters, digits, '_', '-', '.', ':', ' ')" });

/**
 * The longest duration pipegen emits. Airflow adds durations to dates
 * (retries, reschedules, run timeouts) and sleeps for them (poke and poll
 * intervals): Python's timedelta stops at 999,999,999 days, datetime at year
 * 9999 and time.sleep near 292 years, so anything longer than this fails at
 * import or on every run.
 */
export const MAX_DURATION_DAYS = 36_500;
const MAX_DURATION_SECONDS = MAX_DURATION_DAYS * 86_400;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * A duration: either a number of seconds or a compact string like `90s`,
 * `5m`, `1h30m` or `2d`. The parsed value is whole seconds.
 */
const DURATION_MESSAGE = "must be a duration: seconds as a positive integer, or a string like 30s, 5m, 1h30m, 2d";

export const duration = z
  .union(
    [
      z.number({ error: DURATION_MESSAGE }).int({ error: DURATION_MESSAGE }).positive({ error: DURATION_MESSAGE }),
      z.string().regex(/^(?=.)(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/, { error: DURATION_MESSAGE }),
    ],
    { error: DURATION_MESSAGE },
  )
  .transform((v) => (typeof v === "number" ? v : parseDuration(v)))
  .refine((seconds) => seconds > 0, { message: "must be longer than zero", abort: true })
  .refine((seconds) => seconds <= MAX_DURATION_SECONDS, {
    message: `must be at most ${MAX_DURATION_DAYS}d (100 years)`,
  });

function parseDuration(text: string): number {
  const [, d, h, m, s] = DURATION.exec(text)!;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day of week", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Presets Airflow understands as a schedule. */
export const SCHEDULE_PRESETS = [
  "@once",
  "@continuous",
  "@hourly",
  "@daily",
  "@weekly",
  "@monthly",
  "@quarterly",
  "@yearly",
] as const;

/** Returns why a five-field cron expression is invalid, or undefined when it is valid. */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return `has ${fields.length} fields; a cron expression has 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, field] of fields.entries()) {
    const spec = CRON_FIELDS[i]!;
    for (const part of field.split(",")) {
      const why = cronPartProblem(part, spec);
      if (why) return `${spec.name} field '${field}': ${why}`;
    }
  }
  // croniter, which Airflow's cron timetables use, fails on every run
  // (CroniterBadDateError) when no listed day exists in a listed month, even
  // where the day of week would match: February 30, April 31.
  const days = cronValues(fields[2]!, CRON_FIELDS[2]!);
  const months = cronValues(fields[3]!, CRON_FIELDS[3]!);
  if (![...months].some((m) => [...days].some((d) => d <= daysInMonth(2024, m))))
    return `day of month '${fields[2]}' never falls in month '${fields[3]}', so the schedule never fires`;
  return undefined;
}

/** The values a valid cron field selects. */
function cronValues(field: string, spec: (typeof CRON_FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range, step] = part.split("/");
    const [from, to] =
      range === "*"
        ? [spec.min, spec.max]
        : (() => {
            const bounds = range!.split("-").map((b) => cronValue(b, spec)!);
            return [bounds[0]!, bounds[1] ?? (step === undefined ? bounds[0]! : spec.max)];
          })();
    for (let v = from; v <= to; v += Number(step ?? 1)) values.add(v);
  }
  return values;
}

function cronPartProblem(part: string, spec: (typeof CRON_FIELDS)[number]): string | undefined {
  const [range, step, extra] = part.split("/");
  if (extra !== undefined) return "has more than one '/'";
  if (step !== undefined && !/^\d+$/.test(step)) return `step '${step}' is not a number`;
  if (step !== undefined && Number(step) === 0) return "step must be at least 1";
  if (range === "*") return undefined;
  const bounds = range!.split("-");
  if (bounds.length > 2) return `'${range}' is not a value or a range`;
  const values = bounds.map((b) => cronValue(b, spec));
  if (values.some((v) => v === undefined)) return `'${range}' is outside ${spec.min}-${spec.max}`;
  if (values.length === 2 && values[0]! > values[1]!) return `range '${range}' runs backwards`;
  return undefined;
}

function cronValue(text: string, spec: (typeof CRON_FIELDS)[number]): number | undefined {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= spec.min && n <= spec.max ? n : undefined;
}

/** `none`, a preset such as `@daily`, or a five-field cron expression. */
export const schedule = z.union([z.null(), z.string()]).superRefine((value, ctx) => {
  if (value === null || value === "none") return;
  if (value.startsWith("@")) {
    if (!(SCHEDULE_PRESETS as readonly string[]).includes(value))
      ctx.addIssue({ code: "custom", message: `unknown preset '${value}'; use one of ${SCHEDULE_PRESETS.join(", ")}` });
    return;
  }
  const why = cronProblem(value);
  if (why) ctx.addIssue({ code: "custom", message: `is not a valid cron expression: ${why}` });
});

/** Airflow trigger rules, emitted as strings (they work on every supported version). */
export const triggerRule = z.enum([
  "all_success",
  "all_failed",
  "all_done",
  "all_done_min_one_success",
  "all_skipped",
  "one_success",
  "one_failed",
  "one_done",
  "none_failed",
  "none_failed_min_one_success",
  "none_skipped",
  "always",
]);

/** Jinja checks that do not depend on the Airflow version: names are checked per target in validate. */
const JINJA_SYNTAX_ENV: TemplateEnvironment = {
  names: { has: () => true },
  filters: new Set<string>(JINJA_FILTERS),
  tests: new Set<string>(JINJA_TESTS),
};

const JINJA_HINT =
  "Airflow renders this field with Jinja: fix the template, or write literal braces as {{ '{{' }} or inside {% raw %}...{% endraw %}";

function addJinjaIssues(value: string, placeholders: boolean, ctx: z.core.$RefinementCtx<string>): void {
  // Most values hold no Jinja at all.
  if (!/[{}]/.test(value)) return;
  for (const p of checkTemplate(value, JINJA_SYNTAX_ENV, { placeholders }))
    ctx.addIssue({ code: "custom", message: p.message, params: { hint: JINJA_HINT } });
}

/**
 * A string that lands in a templated operator field: it may use pipegen's
 * date placeholders (see placeholders.ts) and raw Jinja, which must parse as
 * Jinja. An unknown `${NAME}` is an error, since it is almost always a typo
 * of a placeholder.
 */
export const templatedString = z.string().superRefine((value, ctx) => {
  for (const m of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g)) {
    const known = (PLACEHOLDER_NAMES as readonly string[]).includes(m[1]!) || PARAM_PLACEHOLDER.test(m[0]);
    if (!known)
      ctx.addIssue({
        code: "custom",
        message: `unknown placeholder \${${m[1]}}; known: ${PLACEHOLDER_NAMES.map((p) => `\${${p}}`).join(", ")}, \${params.<name>}`,
      });
  }
  addJinjaIssues(value, true, ctx);
});

/**
 * A string Airflow renders with Jinja but in which pipegen expands no date
 * placeholder (an S3 URI that also goes to Glue or IAM as written, an UNLOAD
 * option): its Jinja must parse, and a placeholder would stay text.
 */
export const jinjaString = z.string().superRefine((value, ctx) => {
  const placeholder = /\$\{(YYYY|MM|DD|HH|DATE|DATE_NODASH|params\.[a-z][a-z0-9_]*)\}/.exec(value);
  if (placeholder)
    ctx.addIssue({
      code: "custom",
      message: `\${${placeholder[1]}} is not expanded here: placeholders work in S3 keys, SQL, script arguments, table paths and operator arguments`,
      params: {
        hint: "use Jinja such as {{ data_interval_start.strftime('%Y-%m-%d') }} or {{ params.<name> }} if the value must change per run",
      },
    });
  addJinjaIssues(value, false, ctx);
});

/** An SNS topic ARN (standard topics: pipegen's notifier sends no message group). */
export const snsTopicArn = z
  .string()
  .regex(/^arn:(aws|aws-cn|aws-us-gov):sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, {
    message: "must be an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:pipeline-alerts",
  })
  .refine((t) => !t.endsWith(".fifo"), {
    message:
      "is a FIFO topic: the Amazon provider's SnsNotifier publishes without a message group id, which FIFO topics require",
  });

const notifyText = jinjaString.refine((t) => t.trim() !== "", { message: "must not be empty" });

/**
 * Where a notification goes: an SNS topic (the Amazon provider's
 * SnsNotifier, as the MWAA execution role) or a Slack incoming webhook
 * through an Airflow connection (the Slack provider's SlackWebhookNotifier).
 * The spec holds the topic ARN or the connection id, never a secret.
 */
export const notifyTarget = z.union(
  [
    z.strictObject({
      sns: snsTopicArn,
      /** The e-mail subject; SNS wants one line of printable ASCII, at most 100 characters. */
      subject: notifyText
        .pipe(z.string().max(100))
        .refine((s) => /^[\x20-\x7e]*$/.test(s), {
          message: "must be one line of printable ASCII: SNS refuses anything else in a subject",
        })
        .optional(),
      message: notifyText.optional(),
    }),
    z.strictObject({
      /** The Airflow connection (type slackwebhook) that holds the webhook. */
      slack: connId,
      message: notifyText.optional(),
    }),
  ],
  { error: "must be { sns: <topic ARN> } or { slack: <Airflow connection id> }" },
);

export type NotifyTarget = z.output<typeof notifyTarget>;

/** Notifications when the DAG run (pipeline level) or the step (step level) fails or succeeds. */
export const notify = z.strictObject({
  onFailure: z.array(notifyTarget).min(1).optional(),
  onSuccess: z.array(notifyTarget).min(1).optional(),
});

export type Notify = z.output<typeof notify>;

/** Options every step kind shares. */
export const stepBase = {
  id: stepId,
  /** Step ids this step runs after. Defaults to the previous step; `[]` makes it a root. */
  after: z.array(z.string()).optional(),
  triggerRule: triggerRule.optional(),
  retries: z.number().int().min(0).max(100).optional(),
  retryDelay: duration.optional(),
  executionTimeout: duration.optional(),
  /** Shown in the Airflow UI as the task's documentation. */
  doc: z.string().optional(),
  /** Notifications when this step fails (any of its tasks) or succeeds (its last task). */
  notify: notify.optional(),
  /** What the step produces, as Airflow Datasets/Assets that other pipelines can be scheduled on. */
  outputs: z.array(assetUri).min(1).optional(),
  /** The task group (an id in the pipeline's `groups`) the step's tasks are drawn in. */
  group: z.string().optional(),
};
