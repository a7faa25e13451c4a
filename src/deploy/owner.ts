/**
 * Deploy only into the account's own bucket. A mistyped bucket name, or a
 * bucket deleted and re-created by someone else, would otherwise receive DAG
 * code that MWAA then runs. Every S3 call a deploy makes carries
 * ExpectedBucketOwner, which S3 checks on the server: a bucket of any other
 * account answers 403, before anything is read or written.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { ResolvedPipeline } from "../resolve/index.js";
import type { DeployClients } from "./aws.js";
import { AwsCallError, DeploySettingsError } from "./errors.js";
import { explainSetupError } from "./preflight.js";
import { describeError, type RetryPolicy, withRetry } from "./retry.js";
import type { DeploySettings } from "./settings.js";

export interface BucketOwner {
  readonly account: string;
  /** Where the account came from, for messages: "--account", "aws.account in pipelines/x.pipeline.yaml", "the credentials (STS)". */
  readonly source: string;
  /** True when the account is the credentials' own (STS), so no other account can be named. */
  readonly fromCredentials: boolean;
}

/**
 * The account the deploy bucket must belong to: the settings' account, else
 * the specs' aws.account (they must agree), else the credentials' account
 * from STS GetCallerIdentity.
 * @throws {DeploySettingsError} when specs name different accounts
 * @throws {AwsCallError} when STS cannot be asked
 */
export async function resolveBucketOwner(
  settings: DeploySettings,
  pipelines: readonly ResolvedPipeline[] | undefined,
  clients: DeployClients,
  policy: RetryPolicy,
): Promise<BucketOwner> {
  if (settings.account !== undefined)
    return { account: settings.account, source: settings.sources.account!, fromCredentials: false };
  const declared = (pipelines ?? []).flatMap((p) =>
    p.pipeline.aws?.account === undefined ? [] : [{ account: p.pipeline.aws.account, file: p.file }],
  );
  const accounts = [...new Set(declared.map((d) => d.account))];
  if (accounts.length > 1)
    throw new DeploySettingsError(
      `the specs name different accounts (${accounts.map((a) => `${a} in ${declared.find((d) => d.account === a)!.file}`).join(", ")}); one bundle deploys to one account's bucket: make them agree, or pass --account`,
    );
  if (accounts.length === 1)
    return { account: accounts[0]!, source: `aws.account in ${declared[0]!.file}`, fromCredentials: false };
  return {
    account: await callerAccount(clients, policy),
    source: "the credentials' account (STS GetCallerIdentity)",
    fromCredentials: true,
  };
}

/** The account of the credentials the deploy runs with. */
export async function callerAccount(clients: DeployClients, policy: RetryPolicy): Promise<string> {
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = await clients.sts();
  try {
    const who = await withRetry(() => sts.send(new GetCallerIdentityCommand({})), policy);
    if (!who.Account) throw new Error("GetCallerIdentity returned no account");
    return who.Account;
  } catch (error) {
    const setup = explainSetupError(error);
    throw new AwsCallError(
      setup ??
        `cannot tell which account the credentials belong to (STS GetCallerIdentity): ${describeError(error)}; pass --account (or set aws.account in the specs) to name the account the bucket must belong to`,
      error,
    );
  }
}

const MIDDLEWARE = "pipegenExpectedBucketOwner";

/**
 * Makes every S3 call of the client carry ExpectedBucketOwner: the owner
 * `ownerOf` names for the call's bucket. A call that already sets one keeps it.
 * Replaces what an earlier deploy with the same client installed.
 */
export function expectBucketOwners(s3: S3Client, ownerOf: (bucket: string) => string): void {
  s3.middlewareStack.remove(MIDDLEWARE);
  s3.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Bucket?: string; ExpectedBucketOwner?: string };
      if (input.Bucket !== undefined && input.ExpectedBucketOwner === undefined)
        input.ExpectedBucketOwner = ownerOf(input.Bucket);
      return next(args);
    },
    { step: "initialize", name: MIDDLEWARE, override: true },
  );
}
