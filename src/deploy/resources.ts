/**
 * With `--preflight`: the AWS resources the pipelines name exist, namely Glue
 * crawlers, jobs and databases and the S3 buckets sensors watch. Each missing
 * one is reported with every pipeline step that names it. Nothing is written
 * when one is missing.
 */
import { GetCrawlerCommand, GetDatabaseCommand, GetJobCommand, type GlueClient } from "@aws-sdk/client-glue";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { GlueResource, ResolvedPipeline } from "../resolve/index.js";
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
  for (const p of pipelines)
    for (const { step, glue } of p.steps) {
      const where = `${p.file} ${p.pipeline.id} › ${step.id}`;
      // Of the buckets a step touches, preflight looks up those that sensors watch.
      if (step.kind === "s3Sensor") add("S3 bucket", step.bucket, where);
      for (const g of glue)
        switch (g.kind) {
          // The operator creates a missing managed crawler, or a job it has a script and a role for.
          case "crawler":
            if (!g.createdIfMissing) add("Glue crawler", g.name, where);
            break;
          case "job":
            if (!g.createdIfMissing) add("Glue job", g.name, where);
            break;
          case "database":
            add("Glue database", g.name, where, g.region);
            break;
          // XTable creates a missing table.
          case "table":
            break;
          default:
            unhandledGlueResource(g);
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

function unhandledGlueResource(resource: never): never {
  throw new Error(`unhandled Glue resource ${(resource as GlueResource).kind}`);
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
