/**
 * `pipegen deploy`: delivers a bundle to MWAA's bucket and environment, in
 * phases, each in its own module:
 *
 *   0. the account the bucket must belong to (owner.ts): every S3 call
 *      carries it as ExpectedBucketOwner, so a bucket of another account is
 *      refused by S3 before anything is read or written;
 *   1. read the bucket state, with preflight (read-state.ts, preflight.ts);
 *   2. plan (plan-deploy.ts, plan.ts), and read the environment
 *      (update-environment.ts);
 *   3. apply: upload classes 1–2 → environment update → classes 3–4 → prune
 *      → manifest (apply.ts, update-environment.ts).
 *
 * - Only what changed (by SHA-256) is uploaded; a re-run with nothing changed
 *   writes nothing and calls no MWAA API.
 * - Nothing is written before every check passed and the plan is known.
 * - UpdateEnvironment is called, with the object versions the uploads
 *   returned, only when requirements.txt, startup.sh or plugins.zip changed.
 * - Prune deletes only objects the manifest lists, in reverse upload order.
 */
import path from "node:path";
import { applyPlan } from "./apply.js";
import { createDeployClients, type DeployClients } from "./aws.js";
import type { BucketTarget } from "./bucket-target.js";
import type { WaitOptions } from "./environment.js";
import { loadBundle } from "./load-bundle.js";
import { callerAccount, expectBucketOwners, resolveBucketOwner } from "./owner.js";
import { isNoop, type Plan } from "./plan.js";
import { planDeploy, toPlanReport } from "./plan-deploy.js";
import { checkNamedResources } from "./preflight.js";
import { NO_PROGRESS, type ProgressSink } from "./progress.js";
import { readBucketState } from "./read-state.js";
import { DeployIncompleteError, type DeployReport, type PlanReport } from "./report.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { loadRunnerArchive, type RunnerSource, type RunnerUpload, runnerUpload } from "./runner.js";
import type { DeploySettings } from "./settings.js";
import { idleEnvironment, prepareEnvironment, updateEnvironment } from "./update-environment.js";
import { DEFAULT_UPLOAD_TUNING, type UploadTuning } from "./upload.js";
import { WriteLog } from "./write-log.js";

/** What to deploy and how; everything but the settings has a default (tests inject clients, clocks and faster retries). */
export interface DeployOptions {
  readonly settings: DeploySettings;
  /** Working directory for spec paths; defaults to the process's. */
  readonly cwd?: string;
  /** AWS clients; built from the settings when omitted. */
  readonly clients?: DeployClients;
  readonly tuning?: Partial<UploadTuning>;
  readonly retry?: Partial<RetryPolicy>;
  /** GetEnvironment poll interval with --wait (default 30 s). */
  readonly pollIntervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly progress?: ProgressSink;
  /** Called once the plan is known, before anything is written. */
  readonly onPlan?: (plan: PlanReport) => void;
  /** Recorded in the manifest, e.g. "pipegen 0.1.0". */
  readonly tool?: string;
  /** Where the XTable runner comes from, when the bundle needs it; default `$PIPEGEN_XTABLE_RUNNER`, else the built one. */
  readonly runner?: Omit<RunnerSource, "onNote">;
}

/**
 * Deploys the bundle.
 * @returns the report of a completed deploy (or of the plan, with `dryRun`)
 * @throws {DeploySettingsError | PreflightError | SpecError} before anything is written
 * @throws {DeployIncompleteError} when writing started and did not finish; it carries the report
 */
export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const { settings } = options;
  const run = startRun(options);
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadBundle(settings, cwd);
  const { pipelines } = loaded;
  const clients =
    options.clients ?? createDeployClients({ region: settings.region, concurrency: settings.concurrency });
  const target: BucketTarget = {
    s3: clients.s3,
    bucket: settings.bucket,
    prefix: settings.prefix,
    policy: run.policy,
  };
  const runner = runnerUpload(
    loaded.bundle,
    target,
    settings.from === undefined ? undefined : path.relative(cwd, settings.from) || ".",
  );
  const bundle =
    runner && !loaded.bundle.includes(runner.file)
      ? [...loaded.bundle, runner.file].sort((a, b) => (a.path < b.path ? -1 : 1))
      : loaded.bundle;

  // Every S3 call carries ExpectedBucketOwner: the bucket must belong to the expected account.
  const owner = await resolveBucketOwner(settings, pipelines, clients, run.policy);
  const declaredOwners = new Map(pipelines?.flatMap((p) => Object.entries(p.pipeline.aws?.bucketOwners ?? {})) ?? []);
  expectBucketOwners(clients.s3, (b) =>
    b === settings.bucket ? owner.account : (declaredOwners.get(b) ?? owner.account),
  );
  const expected = {
    ...owner,
    callerAccount: async () =>
      owner.fromCredentials ? owner.account : callerAccount(clients, run.policy).catch(() => undefined),
  };

  // Read and plan; nothing is written until the plan is known and every check passed.
  const state = await readBucketState(target, bundle, expected);
  const preflight =
    settings.preflight && pipelines
      ? await checkNamedResources(pipelines, clients, run.policy, settings.concurrency)
      : undefined;
  const planned = await planDeploy(target, bundle, state, settings);
  const environment = await prepareEnvironment(
    {
      name: settings.environment,
      target,
      mwaa: clients.mwaa,
      dryRun: settings.dryRun,
      wait: settings.wait,
      waitOptions: run.waitOptions,
      progress: run.progress,
    },
    planned,
  );
  const planReport = toPlanReport(settings, planned, preflight);
  options.onPlan?.(planReport);

  const log = new WriteLog(planned, state.stored?.manifest);
  const ran: RunRecord = { plan: planReport, dryRun: settings.dryRun, log, run };
  const idle = idleEnvironment(settings.environment);
  if (settings.dryRun) return reportOf(ran, { outcome: "planned", environment: idle, manifest: "not written" });
  if (isNoop(planned) && !log.changed())
    return reportOf(ran, { outcome: "nothing to do", environment: idle, manifest: "unchanged" });
  // The runner archive is packed only now, when it must be uploaded, and checked before anything is written.
  const plan = runner
    ? await withRunnerBytes(planned, runner, { ...options.runner, onNote: (m) => run.progress.note(m) })
    : planned;

  const applied = await applyPlan(
    {
      target,
      plan,
      log,
      concurrency: settings.concurrency,
      tuning: run.tuning,
      progress: run.progress,
      manifest: { previous: state.stored, tool: options.tool ?? "pipegen", now: () => new Date(run.now()) },
    },
    async () => (environment ? updateEnvironment(environment, plan, log) : { ok: true, outcome: idle }),
  );
  if (applied.outcome === "incomplete") throw new DeployIncompleteError(applied.why, reportOf(ran, applied));
  return reportOf(ran, applied);
}

/** The plan with the runner archive's bytes, when it is to be uploaded. */
async function withRunnerBytes(plan: Plan, runner: RunnerUpload, source: RunnerSource): Promise<Plan> {
  const step = plan.files.find((f) => f.file === runner.file);
  if (!step || step.action === "unchanged") return plan;
  const file = await loadRunnerArchive(runner, source);
  return { ...plan, files: plan.files.map((f) => (f === step ? { ...f, file } : f)) };
}

/** What the report of a run is made of, besides how it ended. */
interface RunRecord {
  readonly plan: PlanReport;
  readonly dryRun: boolean;
  readonly log: WriteLog;
  readonly run: Run;
}

/** The report: the plan, the write log, how the run ended, its retries and its duration so far. */
function reportOf(
  { plan, dryRun, log, run }: RunRecord,
  end: Pick<DeployReport, "outcome" | "environment" | "manifest">,
): DeployReport {
  return {
    plan,
    dryRun,
    uploaded: log.uploaded,
    failed: log.failed,
    notAttempted: log.notAttempted,
    deleted: log.deleted,
    deleteFailed: log.deleteFailed,
    outcome: end.outcome,
    environment: end.environment,
    manifest: end.manifest,
    retries: run.retries.count,
    durationMs: run.now() - run.started,
  };
}

/** What one deploy run shares across its phases: clock, progress, tuning, and the retry policy that counts retries. */
interface Run {
  readonly now: () => number;
  readonly started: number;
  readonly progress: ProgressSink;
  readonly policy: RetryPolicy;
  /** Retried requests so far, for the report. */
  readonly retries: { count: number };
  readonly tuning: UploadTuning;
  readonly waitOptions: WaitOptions;
}

function startRun(options: DeployOptions): Run {
  const { settings } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? DEFAULT_RETRY_POLICY.sleep;
  const progress = options.progress ?? NO_PROGRESS;
  const retries = { count: 0 };
  return {
    now,
    started: now(),
    progress,
    policy: {
      ...DEFAULT_RETRY_POLICY,
      sleep,
      retries: settings.retries,
      ...options.retry,
      onRetry: (error, attempt) => {
        retries.count++;
        options.retry?.onRetry?.(error, attempt);
      },
    },
    retries,
    tuning: { ...DEFAULT_UPLOAD_TUNING, ...options.tuning },
    waitOptions: {
      intervalMs: options.pollIntervalMs ?? 30_000,
      timeoutMs: settings.waitTimeoutMinutes * 60_000,
      sleep,
      now,
      onStatus: (status) => progress.note(`environment ${settings.environment}: ${status}`),
    },
  };
}
