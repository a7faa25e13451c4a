/**
 * The pipeline spec: one DAG per file. YAML and TypeScript specs both go
 * through this schema; `definePipeline` takes its input type.
 */
import { z } from "zod";
import { AIRFLOW_VERSIONS } from "./airflow-versions.js";
import { assetSchedule } from "./assets.js";
import {
  awsAccountId,
  awsRegion,
  connId,
  duration,
  notify,
  pythonIdentifier,
  s3BucketName,
  schedule,
  secretArn,
} from "./common.js";
import { dateTimeProblem, ISO_DATE } from "./dates.js";
import { taskGroup } from "./groups.js";
import { paramName, paramSchema } from "./params.js";
import { stepBuckets } from "./step-buckets.js";
import { STEP_KINDS } from "./step-kinds.js";
import { step } from "./steps/index.js";
import { templateStep } from "./template.js";

const redshiftName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, {
  message: "must be a Redshift name (lowercase letters, digits, '-')",
});

/**
 * How Redshift steps connect. A workgroup (Serverless) or cluster goes
 * through the Redshift Data API; `connId` names an Airflow connection and
 * runs SQL over it. Credentials live in Secrets Manager or the connection,
 * never in the spec.
 */
export const redshiftConnection = z.union(
  [
    z.strictObject({
      workgroup: redshiftName,
      database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: "must be a database name" }),
      secretArn: secretArn.optional(),
      /**
       * The workgroup's id (`aws redshift-serverless get-workgroup`), used only by
       * `pipegen iam`: IAM names a Serverless workgroup by id, not by name.
       */
      workgroupId: z
        .string()
        .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
          message: "must be a workgroup id (a lowercase UUID)",
        })
        .optional(),
    }),
    z.strictObject({
      cluster: redshiftName,
      database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: "must be a database name" }),
      secretArn: secretArn.optional(),
      dbUser: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/)
        .optional(),
    }),
    z.strictObject({ connId }),
  ],
  { error: "must be {workgroup, database, secretArn}, {cluster, database, secretArn | dbUser} or {connId}" },
);

export type RedshiftConnection = z.output<typeof redshiftConnection>;

/** A workgroup or cluster, reached through the Redshift Data API. */
export type DataApiConnection = Exclude<RedshiftConnection, { connId: string }>;

/**
 * A key prefix inside a bucket, as `pipegen deploy --prefix` takes it: path
 * segments of letters, digits, '.', '_' and '-' (no "." or ".." segment),
 * with or without slashes around them; "" is the bucket root.
 */
const keyPrefix = z
  .string()
  .regex(/^\/?([A-Za-z0-9._-]+\/)*([A-Za-z0-9._-]+\/?)?$/, {
    message: "must be a key prefix such as team-a/ (letters, digits, '.', '_', '-', segments separated by '/')",
    abort: true,
  })
  .refine((p) => !p.split("/").some((s) => s === "." || s === ".."), {
    message: 'must not have a "." or ".." segment',
  });

/**
 * Where `pipegen deploy` uploads the XTable runner, from where startup.sh
 * fetches it on every MWAA component that runs tasks: the environment's S3
 * bucket and the key prefix the bundle is deployed under. Needed by specs
 * with an xtable step; every such spec of a bundle names the same place.
 */
const xtableRunnerLocation = z.strictObject({
  /** The MWAA environment's bucket: the one `pipegen deploy --bucket` writes to. */
  bucket: s3BucketName,
  /** The prefix `pipegen deploy --prefix` writes under; default the bucket root. */
  prefix: keyPrefix.default(""),
});

const isoDate = z
  .string()
  .regex(ISO_DATE, {
    message: "must be an ISO date such as 2024-01-01 or 2024-01-01T06:00Z (UTC)",
    abort: true,
  })
  .superRefine((iso, ctx) => {
    const why = dateTimeProblem(iso);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });

export const pipelineFields = {
  /** The DAG id: a Python identifier equal to the spec's file name. */
  id: pythonIdentifier,
  description: z.string().optional(),
  owner: z.string().min(1).default("airflow"),
  tags: z.array(z.string().min(1).max(100)).default([]),
  /** The MWAA Airflow version this DAG is rendered for. */
  airflowVersion: z.enum(AIRFLOW_VERSIONS),
  /**
   * A cron expression, a preset such as `@daily`, `null`/`none` for manual
   * runs only, or `{ assets: [...] }` to run when other pipelines' outputs are updated.
   */
  schedule: z.union([z.null(), z.string(), assetSchedule]).superRefine((value, ctx) => {
    if (value !== null && typeof value === "object") return;
    const time = schedule.safeParse(value);
    for (const issue of time.error?.issues ?? []) ctx.addIssue({ code: "custom", message: issue.message });
  }),
  /** First data interval start, in UTC. */
  startDate: isoDate,
  catchup: z.boolean().default(false),
  maxActiveRuns: z.number().int().min(1).max(1000).default(1),
  /** Defaults for every task. */
  defaults: z
    .strictObject({
      retries: z.number().int().min(0).max(100).optional(),
      retryDelay: duration.optional(),
      executionTimeout: duration.optional(),
    })
    .default({}),
  /** Fails the DAG run when it takes longer than this. */
  dagrunTimeout: duration.optional(),
  connections: z
    .strictObject({
      /**
       * Airflow connection id for AWS calls. The region comes from this
       * connection (on MWAA, aws_default uses the environment's region):
       * not every operator takes region_name on every supported provider.
       */
      aws: connId.default("aws_default"),
      redshift: redshiftConnection.optional(),
    })
    .default({ aws: "aws_default" }),
  /**
   * Where the pipeline runs, for `pipegen iam` only (rendering ignores it):
   * the MWAA environment's account and region, and the buckets that belong
   * to another account, which then get bucket policies.
   */
  aws: z
    .strictObject({
      account: awsAccountId.optional(),
      region: awsRegion.optional(),
      /** Bucket name → the account that owns it, for buckets outside `account`. */
      bucketOwners: z.record(s3BucketName, awsAccountId).optional(),
    })
    .optional(),
  xtableRunner: xtableRunnerLocation.optional(),
  /**
   * Run parameters (Airflow `params`): each a JSON Schema with a default,
   * set in the trigger form, read as `${params.<name>}` in templated fields.
   */
  params: z.record(paramName, paramSchema).default({}),
  /**
   * A date param (`type: [string, "null"]`, `format: date`, `default: null`)
   * that date placeholders read when a run sets it: a manual re-run of one
   * partition. Other runs render their own interval's date.
   */
  dateParam: paramName.optional(),
  /** Notifications when a DAG run fails or succeeds. */
  notify: notify.optional(),
  /** Task groups the steps are drawn in (each step names its own with `group`). */
  groups: z.array(taskGroup).optional(),
  steps: z.array(step).min(1),
};

/**
 * A pipeline whose template steps are expanded: what validate checks and
 * every later phase reads.
 */
export const pipeline = z.strictObject(pipelineFields).superRefine((p, ctx) => {
  if (p.schedule === "@continuous" && p.maxActiveRuns !== 1)
    ctx.addIssue({
      code: "custom",
      path: ["maxActiveRuns"],
      message: "must be 1 with schedule @continuous: Airflow's ContinuousTimetable allows one active run",
    });
  const used = new Set(p.steps.flatMap(stepBuckets));
  for (const [bucket, owner] of Object.entries(p.aws?.bucketOwners ?? {})) {
    if (!used.has(bucket))
      ctx.addIssue({
        code: "custom",
        path: ["aws", "bucketOwners", bucket],
        message: `no step reads or writes bucket "${bucket}"; steps use ${used.size > 0 ? [...used].sort().join(", ") : "no buckets"}`,
      });
    else if (owner === p.aws?.account)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "bucketOwners", bucket],
        message: `is aws.account itself; list only buckets owned by another account`,
      });
  }
  const redshift = p.connections.redshift;
  const firstXTable = p.steps.findIndex((s) => s.kind === "xtable");
  if (firstXTable >= 0 && !p.xtableRunner)
    ctx.addIssue({
      code: "custom",
      path: ["steps", firstXTable, "kind"],
      message:
        "an xtable step needs xtableRunner: the MWAA environment's bucket (and deploy prefix), where pipegen deploy uploads the XTable runner and from where startup.sh fetches it",
      params: {
        hint: "add `xtableRunner: { bucket: <the bucket pipegen deploy --bucket writes to>, prefix: <its --prefix, if any> }` at the top of the spec",
      },
    });
  for (const [i, s] of p.steps.entries()) {
    if (STEP_KINDS[s.kind].redshift && !redshift)
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "kind"],
        message: `${/^[aeiou]/.test(s.kind) ? "an" : "a"} ${s.kind} step needs connections.redshift`,
      });
    if (s.kind === "unload" && s.dataApi === true && redshift && "connId" in redshift)
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "dataApi"],
        message: "the Data API needs connections.redshift to name a workgroup or cluster, not a connId",
      });
    if (s.kind === "unload" && s.dataApi === false && redshift && !("connId" in redshift))
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "dataApi"],
        message:
          "false runs UNLOAD over an Airflow Redshift connection, but connections.redshift names a workgroup or cluster, not a connId; drop dataApi, or set connections.redshift to { connId }",
      });
  }
});

/** A validated pipeline, with defaults applied. */
export type Pipeline = z.output<typeof pipeline>;

/**
 * A pipeline as its author writes it: steps may use templates
 * (`kind: template`), which validate expands. The JSON Schema describes this.
 */
export const pipelineSource = z.strictObject({
  ...pipelineFields,
  steps: z.array(z.union([step, templateStep])).min(1),
});

/** What a spec author writes: defaults may be left out, and steps may use templates. */
export type PipelineInput = z.input<typeof pipelineSource>;
