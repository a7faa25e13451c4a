/**
 * The environment phase. MWAA is read before anything is written
 * (`prepareEnvironment`), so a deploy aimed at the wrong bucket or at a busy
 * environment stops with nothing changed. `updateEnvironment` runs between
 * the modules and the DAG files, and calls UpdateEnvironment, with the object
 * versions the uploads returned, only when requirements.txt, startup.sh or
 * plugins.zip changed.
 *
 * The MWAA API (environment.ts and the SDK client) is loaded only when MWAA
 * is called: most deploys never are.
 */
import type { MWAAClient, UpdateEnvironmentCommandInput } from "@aws-sdk/client-mwaa";
import type { EnvironmentStep } from "./apply.js";
import type { BucketTarget } from "./bucket-target.js";
import { isEnvironmentFile } from "./bundle.js";
import type { EnvironmentInfo, WaitOptions } from "./environment.js";
import { PreflightError } from "./errors.js";
import type { EnvironmentVersions } from "./manifest.js";
import { desiredEnvironmentVersions, type Plan } from "./plan.js";
import type { ProgressSink } from "./progress.js";
import type { EnvironmentOutcome } from "./report.js";
import type { WriteLog } from "./write-log.js";

type EnvironmentApi = typeof import("./environment.js");

/** What the environment phase needs from the deploy. */
export interface EnvironmentTarget {
  /** The MWAA environment; undefined when none is configured. */
  readonly name: string | undefined;
  readonly target: BucketTarget;
  readonly mwaa: () => Promise<MWAAClient>;
  readonly dryRun: boolean;
  /** With --wait: wait for a busy environment before writing, and for the update before the DAG files. */
  readonly wait: boolean;
  readonly waitOptions: WaitOptions;
  readonly progress: ProgressSink;
}

/** An environment that the plan needs to update or check, as read before anything was written. */
export interface EnvironmentSession extends EnvironmentTarget {
  readonly name: string;
  readonly api: EnvironmentApi;
  readonly client: MWAAClient;
  readonly info: EnvironmentInfo;
}

/** The outcome when MWAA is not called: no environment configured, or nothing for it to do. */
export function idleEnvironment(name: string | undefined): EnvironmentOutcome {
  return { status: name ? "not needed" : "not configured" };
}

/**
 * Reads the environment when the plan updates or checks it: it must read
 * from this bucket and prefix, and be able to take an update (with --wait,
 * a busy one is waited for).
 * @returns undefined when MWAA need not be called
 * @throws {PreflightError} when the environment is missing, reads elsewhere, or is busy without --wait
 */
export async function prepareEnvironment(env: EnvironmentTarget, plan: Plan): Promise<EnvironmentSession | undefined> {
  const { name, target } = env;
  if (plan.environment.action === "none" || !name) return undefined;
  const api = await import("./environment.js");
  const client = await env.mwaa();
  let info = await api.describeEnvironment(client, name, target.policy);
  api.checkEnvironmentTarget(info, target);
  if (!api.isUpdatable(info) && plan.environment.action === "update" && !env.dryRun) {
    if (!env.wait)
      throw new PreflightError(
        `MWAA environment ${name} is ${info.status}, and MWAA accepts no update until it is AVAILABLE. ` +
          `Re-run when it is, or add --wait to wait for it; nothing was written`,
      );
    info = await api.waitUntilUpdatable(client, name, target.policy, env.waitOptions);
    env.progress.end();
  }
  return { ...env, name, api, client, info };
}

/**
 * Brings the environment to the versions the uploads produced, and records
 * in the log what it was sent or found running. Runs after upload class 2.
 */
export async function updateEnvironment(
  session: EnvironmentSession,
  plan: Plan,
  log: WriteLog,
): Promise<EnvironmentStep> {
  const { api, info, name, target } = session;
  const desired = desiredEnvironmentVersions(plan.files, log.managed);
  const missingVersion = plan.files.find(
    (f) => isEnvironmentFile(f.file.path) && !desired[f.file.path as keyof typeof desired],
  );
  if (missingVersion)
    return {
      ok: false,
      outcome: {
        status: "failed",
        detail: `S3 returned no version id for ${missingVersion.file.path}; is versioning still enabled on ${target.bucket}?`,
      },
      why: `the environment cannot be updated without object versions`,
    };
  const input = api.updateInputFor(info, target.prefix, desired);
  if (!input) {
    const confirmed = info.status === "AVAILABLE" && info.lastUpdate?.status !== "FAILED";
    log.environments[name] = { versions: api.runningVersions(info, target.prefix), confirmed };
    const detail = confirmed ? `${name} already runs these files` : `${name} is ${info.status} with these files`;
    return { ok: true, outcome: { status: "up to date", detail } };
  }
  // Only a "check" gets here: the environment is still busy with the previous deploy's update.
  if (!api.isUpdatable(info))
    return {
      ok: true,
      outcome: { status: "not attempted", detail: `${name} is ${info.status}; the next deploy checks again` },
    };
  const dagsPending = plan.files.some((f) => f.action !== "unchanged" && f.file.uploadClass === 3);
  return requestUpdate(session, input, desired, log, dagsPending);
}

/** Sends UpdateEnvironment and, with --wait, waits until MWAA has applied it. */
async function requestUpdate(
  session: EnvironmentSession,
  input: UpdateEnvironmentCommandInput,
  desired: EnvironmentVersions,
  log: WriteLog,
  dagsPending: boolean,
): Promise<EnvironmentStep> {
  const { api, client, name, target, waitOptions } = session;
  const requestedAt = waitOptions.now();
  try {
    await api.requestUpdate(client, input, target.policy);
  } catch (error) {
    return {
      ok: false,
      outcome: { status: "failed", detail: error instanceof Error ? error.message : String(error), input },
      why: `the MWAA environment update was refused, so the DAG files were not uploaded`,
    };
  }
  log.environments[name] = { versions: desired, confirmed: false };
  if (!session.wait) {
    const detail =
      "until the environment is AVAILABLE again, changed DAGs that need the new requirements may fail to import";
    return { ok: true, outcome: { status: "update requested", input, ...(dagsPending ? { detail } : {}) } };
  }
  const waited = await api.waitForUpdate(client, name, requestedAt, target.policy, waitOptions);
  session.progress.end();
  if (!waited.ok)
    return {
      ok: false,
      outcome: { status: "failed", detail: waited.reason, input },
      why: `environment ${name} did not finish updating: ${waited.reason}. The DAG files were not uploaded, because they may need what the update installs`,
    };
  log.environments[name] = { versions: desired, confirmed: true };
  return { ok: true, outcome: { status: "updated", input } };
}
