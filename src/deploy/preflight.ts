/**
 * Preflight, checked before anything is written: the bucket exists and has
 * versioning enabled, which MWAA needs (it runs requirements.txt, startup.sh
 * and plugins.zip by object version); and, with `--preflight`, the AWS
 * resources the pipelines name exist (the lookups are in resources.ts).
 */
import { GetBucketVersioningCommand } from "@aws-sdk/client-s3";
import type { ResolvedPipeline } from "../resolve/index.js";
import { DEPLOY_OPTIONS } from "../spec/deploy-settings.js";
import type { DeployClients } from "./aws.js";
import { type BucketTarget, bucketParams } from "./bucket-target.js";
import { AwsCallError, PreflightError } from "./errors.js";
import type { PlanReport } from "./report.js";
import { describeError, type RetryPolicy, withRetry } from "./retry.js";

/**
 * @throws {PreflightError} when the bucket is missing or not versioned
 * @throws {AwsCallError} when the check itself cannot be made
 */
export async function checkDeployBucket(target: BucketTarget, owner?: ExpectedOwner): Promise<void> {
  const { s3, bucket, policy } = target;
  let status: string | undefined;
  try {
    status = (await withRetry(() => s3.send(new GetBucketVersioningCommand(bucketParams(target))), policy)).Status;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NoSuchBucket")
      throw new PreflightError(`bucket ${bucket} does not exist (or is in another account); nothing was written`);
    if (
      name === "AccessDenied" ||
      (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403
    ) {
      if (owner) {
        const caller = await owner.callerAccount();
        throw new PreflightError(
          `bucket ${bucket} does not belong to account ${owner.account} (${owner.source}), or the deploy role may not read it: S3 refused GetBucketVersioning with ExpectedBucketOwner ${owner.account} (${describeError(error)}). ` +
            `The credentials are of account ${caller ?? "(unknown: STS did not answer)"}. pipegen deploys only into a bucket of the expected account, so nothing was written: check the bucket name, or pass --account if the bucket belongs to another account on purpose (the deploy role needs s3:GetBucketVersioning, s3:ListBucket, s3:GetObject and s3:PutObject on it)`,
        );
      }
      throw new PreflightError(
        `cannot read the versioning setting of bucket ${bucket}: ${describeError(error)}. The deploy role needs s3:GetBucketVersioning, s3:ListBucket, s3:GetObject and s3:PutObject on the bucket (and s3:DeleteObject for --prune); nothing was written`,
      );
    }
    throw new AwsCallError(`cannot check bucket ${bucket}: ${explainSetupError(error) ?? describeError(error)}`, error);
  }
  if (status !== "Enabled")
    throw new PreflightError(
      `bucket ${bucket} does not have versioning enabled (${status ? `it is ${status}` : "it was never enabled"}). ` +
        `MWAA requires a versioned bucket: it runs requirements.txt, startup.sh and plugins.zip by object version. ` +
        `Enable it with \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\`; nothing was written`,
    );
}

/**
 * With `--preflight`: every Glue crawler, job and database and every sensed
 * S3 bucket the pipelines name exists.
 * @returns how many were checked, and the ones these credentials could not read
 * @throws {PreflightError} naming each missing resource with every step that names it
 */
export async function checkNamedResources(
  pipelines: readonly ResolvedPipeline[],
  clients: DeployClients,
  policy: RetryPolicy,
  concurrency: number,
): Promise<NonNullable<PlanReport["preflight"]>> {
  // Loaded only with --preflight: it brings the Glue client.
  const { checkResources, formatMissingResources, resourcesNamedBy } = await import("./resources.js");
  const check = await checkResources(resourcesNamedBy(pipelines), clients, policy, concurrency);
  if (check.missing.length > 0) throw new PreflightError(formatMissingResources(check));
  return {
    checked: check.checked,
    unreadable: check.unreadable.map((u) => `${u.ref.kind} "${u.ref.name}" ${u.problem}`),
  };
}

/** The account the deploy bucket must belong to, for the message when S3 refuses it. */
export interface ExpectedOwner {
  readonly account: string;
  /** Where the account came from: "--account", "aws.account in pipelines/x.pipeline.yaml", … */
  readonly source: string;
  /** The credentials' own account, for the message; undefined when STS does not answer. */
  readonly callerAccount: () => Promise<string | undefined>;
}

/** Plain words for the two ways a machine is not set up for AWS at all. */
export function explainSetupError(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string };
  if (/region is missing/i.test(e.message ?? "")) {
    const { flag, env, fallbackEnv } = DEPLOY_OPTIONS.region;
    return `no AWS region is set: pass ${flag}, or set ${fallbackEnv[0]} (or ${env})`;
  }
  if (e.name === "CredentialsProviderError")
    return "no AWS credentials were found. In CI, assume a role first (GitHub Actions: aws-actions/configure-aws-credentials with role-to-assume); locally, set AWS_PROFILE or run `aws sso login`";
  return undefined;
}
