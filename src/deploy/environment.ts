/**
 * The MWAA side of a deploy. MWAA reads requirements.txt, startup.sh and
 * plugins.zip by object version, so a new upload of one of them does nothing
 * until `UpdateEnvironment` names the new version. DAG files are synced
 * continuously and need no call.
 */
import {
  type Environment,
  GetEnvironmentCommand,
  type MWAAClient,
  UpdateEnvironmentCommand,
  type UpdateEnvironmentCommandInput,
} from "@aws-sdk/client-mwaa";
import type { BucketTarget } from "./bucket-target.js";
import { ENVIRONMENT_FILES, type EnvironmentFile } from "./bundle.js";
import { AwsCallError, PreflightError } from "./errors.js";
import type { EnvironmentVersions } from "./manifest.js";
import { describeError, type RetryPolicy, withRetry } from "./retry.js";

/** What the deploy needs to know of an MWAA environment (from GetEnvironment). */
export interface EnvironmentInfo {
  readonly name: string;
  readonly status: string;
  readonly sourceBucketArn: string | undefined;
  readonly dagS3Path: string | undefined;
  /** What the environment runs now: path and version of each environment file it uses. */
  readonly files: Partial<Record<EnvironmentFile, { path: string | undefined; version: string | undefined }>>;
  readonly lastUpdate:
    | { status: string | undefined; error: string | undefined; createdAt: Date | undefined }
    | undefined;
}

/** Statuses in which MWAA accepts UpdateEnvironment. */
const UPDATABLE = new Set(["AVAILABLE", "UPDATE_FAILED"]);
/** Statuses an update passes through. */
const IN_PROGRESS = new Set(["UPDATING", "ROLLING_BACK", "PENDING", "CREATING_SNAPSHOT", "MAINTENANCE"]);

/**
 * GetEnvironment, as the deploy needs it.
 * @throws {PreflightError} when the environment does not exist
 * @throws {AwsCallError} when it cannot be read
 */
export async function describeEnvironment(
  mwaa: MWAAClient,
  name: string,
  policy: RetryPolicy,
): Promise<EnvironmentInfo> {
  let env: Environment | undefined;
  try {
    env = (await withRetry(() => mwaa.send(new GetEnvironmentCommand({ Name: name })), policy)).Environment;
  } catch (error) {
    if ((error as { name?: string }).name === "ResourceNotFoundException")
      throw new PreflightError(
        `MWAA environment ${name} does not exist in this account and region; nothing was written`,
      );
    throw new AwsCallError(`cannot read MWAA environment ${name}: ${describeError(error)}`, error);
  }
  if (!env) throw new AwsCallError(`MWAA returned no environment for ${name}`, undefined);
  const lu = env.LastUpdate;
  return {
    name,
    status: env.Status ?? "UNKNOWN",
    sourceBucketArn: env.SourceBucketArn,
    dagS3Path: env.DagS3Path,
    files: {
      "requirements.txt": { path: env.RequirementsS3Path, version: env.RequirementsS3ObjectVersion },
      "startup.sh": { path: env.StartupScriptS3Path, version: env.StartupScriptS3ObjectVersion },
      "plugins.zip": { path: env.PluginsS3Path, version: env.PluginsS3ObjectVersion },
    },
    lastUpdate: lu
      ? {
          status: lu.Status,
          error: lu.Error ? `${lu.Error.ErrorCode ?? "error"}: ${lu.Error.ErrorMessage ?? ""}`.trim() : undefined,
          createdAt: lu.CreatedAt,
        }
      : undefined,
  };
}

/**
 * The environment must read from the bucket and prefix being deployed to;
 * otherwise the deploy would land where the environment never looks.
 * @throws {PreflightError}
 */
export function checkEnvironmentTarget(
  info: EnvironmentInfo,
  { bucket, prefix }: Pick<BucketTarget, "bucket" | "prefix">,
): void {
  const bucketOfArn = info.sourceBucketArn?.split(":::")[1];
  if (bucketOfArn !== undefined && bucketOfArn !== bucket)
    throw new PreflightError(
      `MWAA environment ${info.name} reads from bucket ${bucketOfArn}, not ${bucket}; deploy to its bucket or name the right environment. Nothing was written`,
    );
  const want = `${prefix}dags`;
  const dagPath = info.dagS3Path?.replace(/^\/+|\/+$/g, "");
  if (dagPath !== undefined && dagPath !== want) {
    // The bundle's DAG folder is always "dags", so only a prefix can line the two up.
    const fix = !/(^|\/)dags$/.test(dagPath)
      ? `the bundle's DAG folder is always "dags", so point the environment at s3://${bucket}/${want}/`
      : dagPath === "dags"
        ? "deploy without --prefix"
        : `set --prefix to "${dagPath.slice(0, -"/dags".length)}"`;
    throw new PreflightError(
      `MWAA environment ${info.name} reads DAGs from s3://${bucket}/${dagPath}/, but this deploy writes s3://${bucket}/${want}/; ${fix}. Nothing was written`,
    );
  }
}

/** Whether MWAA accepts UpdateEnvironment in the environment's current status. */
export function isUpdatable(info: EnvironmentInfo): boolean {
  return UPDATABLE.has(info.status);
}

/**
 * The UpdateEnvironment input that makes the environment run `desired`, or
 * undefined when it already does. Only files whose path or version differ
 * are named; the S3 path is always sent with its version, so an environment
 * that never had, say, a startup script gets one.
 */
export function updateInputFor(
  info: EnvironmentInfo,
  prefix: string,
  desired: EnvironmentVersions,
): UpdateEnvironmentCommandInput | undefined {
  const input: UpdateEnvironmentCommandInput = { Name: info.name };
  let any = false;
  for (const [file, version] of Object.entries(desired) as [EnvironmentFile, string][]) {
    const key = `${prefix}${file}`;
    const now = info.files[file];
    if (now?.path === key && now.version === version) continue;
    const fields = ENVIRONMENT_FILES[file];
    input[fields.path] = key;
    input[fields.version] = version;
    any = true;
  }
  return any ? input : undefined;
}

/** The versions the environment runs, as far as they are the bundle's files at this prefix. */
export function runningVersions(info: EnvironmentInfo, prefix: string): EnvironmentVersions {
  const out: EnvironmentVersions = {};
  for (const [file, now] of Object.entries(info.files) as [EnvironmentFile, { path?: string; version?: string }][])
    if (now.path === `${prefix}${file}` && now.version) out[file] = now.version;
  return out;
}

/**
 * UpdateEnvironment; MWAA applies the update in the background.
 * @throws {AwsCallError} when MWAA refuses it
 */
export async function requestUpdate(
  mwaa: MWAAClient,
  input: UpdateEnvironmentCommandInput,
  policy: RetryPolicy,
): Promise<void> {
  try {
    await withRetry(() => mwaa.send(new UpdateEnvironmentCommand(input)), policy);
  } catch (error) {
    throw new AwsCallError(`UpdateEnvironment on ${input.Name} failed: ${describeError(error)}`, error);
  }
}

/** How to poll GetEnvironment while waiting (the clock and sleep are injectable for tests). */
export interface WaitOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly onStatus?: (status: string) => void;
}

/** How waiting for an update ended: AVAILABLE with it applied, or the reason it is not. */
export type WaitOutcome =
  | { readonly ok: true; readonly info: EnvironmentInfo }
  | { readonly ok: false; readonly status: string; readonly reason: string };

/**
 * Polls GetEnvironment until the update requested at `requestedAt` is done.
 * Right after UpdateEnvironment, GetEnvironment may still show the previous
 * AVAILABLE state; an AVAILABLE counts only once the environment was seen
 * updating or its LastUpdate is at least as recent as the request.
 */
export async function waitForUpdate(
  mwaa: MWAAClient,
  name: string,
  requestedAt: number,
  policy: RetryPolicy,
  opts: WaitOptions,
): Promise<WaitOutcome> {
  const deadline = opts.now() + opts.timeoutMs;
  let seenProgress = false;
  for (;;) {
    const info = await describeEnvironment(mwaa, name, policy);
    opts.onStatus?.(info.status);
    if (IN_PROGRESS.has(info.status)) seenProgress = true;
    else if (info.status === "AVAILABLE") {
      // LastUpdate.CreatedAt comes from AWS's clock; allow a minute of skew.
      const recent = (info.lastUpdate?.createdAt?.getTime() ?? 0) >= requestedAt - 60_000;
      if (seenProgress || recent) {
        if (info.lastUpdate?.status === "FAILED")
          return {
            ok: false,
            status: info.status,
            reason: `the update failed and MWAA rolled it back${info.lastUpdate.error ? ` (${info.lastUpdate.error})` : ""}`,
          };
        if (info.lastUpdate?.status !== "PENDING") return { ok: true, info };
      }
    } else
      return {
        ok: false,
        status: info.status,
        reason: `the environment is ${info.status}${info.lastUpdate?.error ? ` (${info.lastUpdate.error})` : ""}`,
      };
    if (opts.now() >= deadline)
      return {
        ok: false,
        status: info.status,
        reason: `still ${info.status} after ${Math.round(opts.timeoutMs / 60_000)} minutes (--wait-timeout)`,
      };
    await opts.sleep(opts.intervalMs);
  }
}

/** Waits for an environment that is busy (e.g. updating) to become updatable. */
export async function waitUntilUpdatable(
  mwaa: MWAAClient,
  name: string,
  policy: RetryPolicy,
  opts: WaitOptions,
): Promise<EnvironmentInfo> {
  const deadline = opts.now() + opts.timeoutMs;
  for (;;) {
    const info = await describeEnvironment(mwaa, name, policy);
    opts.onStatus?.(info.status);
    if (isUpdatable(info)) return info;
    if (!IN_PROGRESS.has(info.status))
      throw new PreflightError(`MWAA environment ${name} is ${info.status} and cannot be updated; nothing was written`);
    if (opts.now() >= deadline)
      throw new PreflightError(
        `MWAA environment ${name} is still ${info.status} after ${Math.round(opts.timeoutMs / 60_000)} minutes (--wait-timeout); nothing was written`,
      );
    await opts.sleep(opts.intervalMs);
  }
}
