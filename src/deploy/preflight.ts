/**
 * Preflight: checks made before anything is written.
 * - The bucket exists and has versioning enabled (MWAA needs object versions).
 * - With `--preflight`, the AWS resources the pipelines name exist: Glue
 *   crawlers, jobs and databases, and the S3 buckets sensors watch.
 */
import { GetCrawlerCommand, GetDatabaseCommand, GetJobCommand, type GlueClient } from "@aws-sdk/client-glue";
import { GetBucketVersioningCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ResolvedPipeline } from "../resolve/index.js";
import { AwsCallError, PreflightError } from "./errors.js";
import { runPool } from "./pool.js";
import { describeError, RetriesExhausted, withRetry, type RetryPolicy } from "./retry.js";

/**
 * @throws {PreflightError} when the bucket is missing or not versioned
 * @throws {AwsCallError} when the check itself cannot be made
 */
export async function checkDeployBucket(s3: S3Client, bucket: string, policy: RetryPolicy): Promise<void> {
  let status: string | undefined;
  try {
    status = (await withRetry(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), policy)).Status;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NoSuchBucket") throw new PreflightError(`bucket ${bucket} does not exist (or is in another account); nothing was written`);
    if (name === "AccessDenied" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403)
      throw new PreflightError(
        `cannot read the versioning setting of bucket ${bucket}: ${describeError(error)}. The deploy role needs s3:GetBucketVersioning, s3:ListBucket, s3:GetObject and s3:PutObject on the bucket (and s3:DeleteObject for --prune); nothing was written`,
      );
    throw new AwsCallError(`cannot check bucket ${bucket}: ${explainSetupError(error) ?? describeError(error)}`, error);
  }
  if (status !== "Enabled")
    throw new PreflightError(
      `bucket ${bucket} does not have versioning enabled (${status ? `it is ${status}` : "it was never enabled"}). ` +
        `MWAA requires a versioned bucket: it runs requirements.txt, startup.sh and plugins.zip by object version. ` +
        `Enable it with \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\`; nothing was written`,
    );
}

/** Plain words for the two ways a machine is not set up for AWS at all. */
function explainSetupError(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string };
  if (/region is missing/i.test(e.message ?? "")) return "no AWS region is set: pass --region, or set AWS_REGION (or PIPEGEN_REGION)";
  if (e.name === "CredentialsProviderError")
    return "no AWS credentials were found. In CI, assume a role first (GitHub Actions: aws-actions/configure-aws-credentials with role-to-assume); locally, set AWS_PROFILE or run `aws sso login`";
  return undefined;
}

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
            const names = step.glueCatalog.database ? [step.glueCatalog.database] : step.datasets.map((d) => d.namespace!);
            for (const n of new Set(names)) add("Glue database", n, where, step.glueCatalog.region);
          }
          break;
        default:
          break;
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
  clients: { s3: S3Client; glueFor: (region?: string) => GlueClient },
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
      else if (e.name === "AccessDeniedException" || e.name === "AccessDenied" || e.name === "Forbidden" || status === 403)
        unreadable.push({ ref, problem: `could not be checked: ${describeError(error)}` });
      else throw new AwsCallError(`preflight could not look up ${ref.kind} "${ref.name}": ${describeError(error instanceof RetriesExhausted ? error.cause : error)}`, error);
    }
  });
  if (outcome.failed.length > 0) throw outcome.failed[0]!.error;
  const order = (a: ResourceProblem, b: ResourceProblem) => (a.ref.kind + a.ref.name < b.ref.kind + b.ref.name ? -1 : 1);
  return { missing: missing.sort(order), unreadable: unreadable.sort(order), checked: refs.length };
}

async function lookUp(ref: ResourceRef, clients: { s3: S3Client; glueFor: (region?: string) => GlueClient }): Promise<unknown> {
  const glue = () => clients.glueFor(ref.region);
  switch (ref.kind) {
    case "S3 bucket":
      return clients.s3.send(new HeadBucketCommand({ Bucket: ref.name }));
    case "Glue crawler":
      return glue().send(new GetCrawlerCommand({ Name: ref.name }));
    case "Glue job":
      return glue().send(new GetJobCommand({ JobName: ref.name }));
    case "Glue database":
      return glue().send(new GetDatabaseCommand({ Name: ref.name }));
  }
}

/** The paragraph a failed resource check prints: one line per missing resource and each spec step naming it. */
export function formatMissingResources(check: ResourceCheck): string {
  const lines = check.missing.flatMap((m) =>
    m.ref.usedBy.map((u) => `  ${u}: ${m.ref.kind} "${m.ref.name}"${m.ref.region ? ` (${m.ref.region})` : ""} ${m.problem}`),
  );
  return `${check.missing.length} of ${check.checked} resources the pipelines name ${check.missing.length === 1 ? "is" : "are"} missing; nothing was written:\n${lines.join("\n")}`;
}
