/**
 * Preflight: the bucket exists and has versioning enabled, which MWAA needs
 * (it runs requirements.txt, startup.sh and plugins.zip by object version).
 * Checked before anything is written. The `--preflight` check of the
 * resources the pipelines name is in resources.ts.
 */
import { GetBucketVersioningCommand, type S3Client } from "@aws-sdk/client-s3";
import { AwsCallError, PreflightError } from "./errors.js";
import { describeError, type RetryPolicy, withRetry } from "./retry.js";

/**
 * @throws {PreflightError} when the bucket is missing or not versioned
 * @throws {AwsCallError} when the check itself cannot be made
 */
export async function checkDeployBucket(
  s3: S3Client,
  bucket: string,
  policy: RetryPolicy,
  owner?: {
    readonly account: string;
    readonly source: string;
    readonly callerAccount: () => Promise<string | undefined>;
  },
): Promise<void> {
  let status: string | undefined;
  try {
    status = (await withRetry(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), policy)).Status;
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

/** Plain words for the two ways a machine is not set up for AWS at all. */
export function explainSetupError(error: unknown): string | undefined {
  const e = error as { name?: string; message?: string };
  if (/region is missing/i.test(e.message ?? ""))
    return "no AWS region is set: pass --region, or set AWS_REGION (or PIPEGEN_REGION)";
  if (e.name === "CredentialsProviderError")
    return "no AWS credentials were found. In CI, assume a role first (GitHub Actions: aws-actions/configure-aws-credentials with role-to-assume); locally, set AWS_PROFILE or run `aws sso login`";
  return undefined;
}
