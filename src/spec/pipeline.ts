/**
 * The pipeline spec: one DAG per file. YAML and TypeScript specs both go
 * through this schema; `definePipeline` takes its input type.
 */
import { z } from "zod";
import { AIRFLOW_VERSIONS } from "./airflow-versions.js";
import { connId, duration, pythonIdentifier, schedule, secretArn } from "./common.js";
import { step } from "./steps/index.js";

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
    }),
    z.strictObject({
      cluster: redshiftName,
      database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: "must be a database name" }),
      secretArn: secretArn.optional(),
      dbUser: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/).optional(),
    }),
    z.strictObject({ connId }),
  ],
  { error: "must be {workgroup, database, secretArn}, {cluster, database, secretArn | dbUser} or {connId}" },
);

export type RedshiftConnection = z.output<typeof redshiftConnection>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$/, {
    message: "must be an ISO date such as 2024-01-01 or 2024-01-01T06:00Z (UTC)",
    abort: true,
  })
  .refine(isRealDate, { message: "is not a real date" });

/** Rejects dates such as 2024-02-31 that JavaScript would roll over into March. */
function isRealDate(iso: string): boolean {
  const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso.slice(0, 10);
}

export const pipeline = z.strictObject({
  /** The DAG id: a Python identifier equal to the spec's file name. */
  id: pythonIdentifier,
  description: z.string().optional(),
  owner: z.string().min(1).default("airflow"),
  tags: z.array(z.string().min(1).max(100)).default([]),
  /** The MWAA Airflow version this DAG is rendered for. */
  airflowVersion: z.enum(AIRFLOW_VERSIONS),
  /** A cron expression, a preset such as `@daily`, or `null`/`none` for manual runs only. */
  schedule,
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
  steps: z.array(step).min(1),
}).superRefine((p, ctx) => {
  const redshift = p.connections.redshift;
  for (const [i, s] of p.steps.entries()) {
    const usesRedshift = ["redshiftProcedure", "redshiftSql", "refreshMaterializedView", "unload"].includes(s.kind);
    if (usesRedshift && !redshift)
      ctx.addIssue({ code: "custom", path: ["steps", i, "kind"], message: `${/^[aeiou]/.test(s.kind) ? "an" : "a"} ${s.kind} step needs connections.redshift` });
    if (s.kind === "unload" && s.dataApi === true && redshift && "connId" in redshift)
      ctx.addIssue({ code: "custom", path: ["steps", i, "dataApi"], message: "the Data API needs connections.redshift to name a workgroup or cluster, not a connId" });
  }
});

/** A validated pipeline, with defaults applied. */
export type Pipeline = z.output<typeof pipeline>;

/** What a spec author writes: defaults may be left out. */
export type PipelineInput = z.input<typeof pipeline>;

