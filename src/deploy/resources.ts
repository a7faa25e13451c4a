/**
 * With `--preflight`: the AWS resources the pipelines name exist, namely Glue
 * crawlers, jobs and databases and the S3 buckets sensors watch. Each missing
 * one is reported with every pipeline step that names it. Nothing is written
 * when one is missing.
 */
import { GetCrawlerCommand, GetDatabaseCommand, GetJobCommand, type GlueClient } from "@aws-sdk/client-glue";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ResolvedPipeline } from "../resolve/index.js";
import { unhandledStepKind } from "../spec/step-kinds.js";
import { AwsCallError } from "./errors.js";
import { runPool } from "./pool.js";
import { describeError, RetriesExhausted, type RetryPolicy, withRetry } from "./retry.js";

export type ResourceKind = "Glue crawler" | "Glue job" | "Glue database" | "S3 bucket";

export interface ResourceRef {
  readonly kind: ResourceKind;
  readonly name: string;
  /** Region of a Glue catalog that differs from the deploy's. */
  readonly region?: string | undefined;
  /** Where specs name it: `pipelines/products.pipeline.ts products › crawl_products`. */
  readonly usedBy: readonly string[];
}

/** Every AWS resource the pipelines need to exist before they run. */
export function resourcesNamedBy(pipelines: readonly ResolvedPipeline[]): ResourceRef[] {
  const refs = new Map<string, { kind: ResourceKind; name: string; region?: string | undefined; usedBy: string[] }>();
  const add = (kind: ResourceKind, name: string, where: string, region?: string) => {
    const id = `${kind}\u0000${name}\u0000${region ?? ""}`;
    const ref = refs.get(id) ?? { kind, name, region, usedBy: [] };
    if (!ref.usedBy.includes(where)) ref.usedBy.push(where);
    refs.set(id, ref);
  };
  for (const p of pipelines) {
    for (const step of p.pipeline.steps) {
      const where = `${p.file} ${p.pipeline.id} › ${step.id}`;
      switch (step.kind) {
        case "s3Sensor":
          add("S3 bucket", step.bucket, where);
          break;
        case "glueCrawler":
          // A managed crawler is created by the operator; its database must exist.
          if (step.manage) add("Glue database", step.manage.database, where);
          else add("Glue crawler", step.crawler, where);
          break;
        case "glueJob":
          // The operator creates a missing job only when it has a script and a role.
          if (!(step.scriptLocation && step.role)) add("Glue job", step.job, where);
          break;
        case "xtable":
          if (step.glueCatalog) {
            const names = step.glueCatalog.database
              ? [step.glueCatalog.database]
              : step.datasets.map((d) => d.namespace!);
            for (const n of new Set(names)) add("Glue database", n, where, step.glueCatalog.region);
          }
          break;
        // Redshift steps name a workgroup or cluster, which pipegen does not look up.
        case "redshiftProcedure":
        case "redshiftSql":
        case "refreshMaterializedView":
        case "unload":
          break;
        default:
          unhandledStepKind(step);
      }
    }
  }
  return [...refs.values()];
}

export interface ResourceProblem {
  readonly ref: ResourceRef;
  readonly problem: string;
}

export interface ResourceCheck {
  readonly missing: readonly ResourceProblem[];
  /** Resources that exist but could not be read with these credentials. */
  readonly unreadable: readonly ResourceProblem[];
  readonly checked: number;
}

/** Looks every resource up (one request each, in parallel). */
export async function checkResources(
  refs: readonly ResourceRef[],
  clients: { s3: S3Client; glueFor: (region?: string) => Promise<GlueClient> },
  policy: RetryPolicy,
  concurrency: number,
): Promise<ResourceCheck> {
  const missing: ResourceProblem[] = [];
  const unreadable: ResourceProblem[] = [];
  const outcome = await runPool(refs, concurrency, async (ref) => {
    try {
      await withRetry(() => lookUp(ref, clients), policy);
    } catch (error) {
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      if (e.name === "EntityNotFoundException" || e.name === "NotFound" || e.name === "NoSuchBucket" || status === 404)
        missing.push({ ref, problem: "does not exist" });
      else if (
        e.name === "AccessDeniedException" ||
        e.name === "AccessDenied" ||
        e.name === "Forbidden" ||
        status === 403
      )
        unreadable.push({ ref, problem: `could not be checked: ${describeError(error)}` });
      else
        throw new AwsCallError(
          `preflight could not look up ${ref.kind} "${ref.name}": ${describeError(error instanceof RetriesExhausted ? error.cause : error)}`,
          error,
        );
    }
  });
  if (outcome.failed.length > 0) throw outcome.failed[0]!.error;
  const order = (a: ResourceProblem, b: ResourceProblem) =>
    a.ref.kind + a.ref.name < b.ref.kind + b.ref.name ? -1 : 1;
  return { missing: missing.sort(order), unreadable: unreadable.sort(order), checked: refs.length };
}

async function lookUp(
  ref: ResourceRef,
  clients: { s3: S3Client; glueFor: (region?: string) => Promise<GlueClient> },
): Promise<unknown> {
  const glue = () => clients.glueFor(ref.region);
  switch (ref.kind) {
    case "S3 bucket":
      return clients.s3.send(new HeadBucketCommand({ Bucket: ref.name }));
    case "Glue crawler":
      return (await glue()).send(new GetCrawlerCommand({ Name: ref.name }));
    case "Glue job":
      return (await glue()).send(new GetJobCommand({ JobName: ref.name }));
    case "Glue database":
      return (await glue()).send(new GetDatabaseCommand({ Name: ref.name }));
  }
}

/** The paragraph a failed resource check prints: one line per missing resource and each spec step naming it. */
export function formatMissingResources(check: ResourceCheck): string {
  const lines = check.missing.flatMap((m) =>
    m.ref.usedBy.map(
      (u) => `  ${u}: ${m.ref.kind} "${m.ref.name}"${m.ref.region ? ` (${m.ref.region})` : ""} ${m.problem}`,
    ),
  );
  return `${check.missing.length} of ${check.checked} resources the pipelines name ${check.missing.length === 1 ? "is" : "are"} missing; nothing was written:\n${lines.join("\n")}`;
}
