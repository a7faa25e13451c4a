/**
 * `pipegen deploy`: delivers a bundle to MWAA's bucket and environment.
 *
 *   owner → preflight → plan → upload classes 1–2 → environment update → classes 3–4 → prune → manifest
 *
 * - Every S3 call carries ExpectedBucketOwner (owner.ts): a bucket of another
 *   account is refused by S3 before anything is read or written.
 * - Only what changed (by SHA-256) is uploaded; a re-run with nothing changed
 *   writes nothing and calls no MWAA API.
 * - Each upload class is complete before the next starts, so a DAG never
 *   lands before the modules it imports; after a failure nothing of a later
 *   class is sent.
 * - UpdateEnvironment is called, with the object versions the uploads
 *   returned, only when requirements.txt, startup.sh or plugins.zip changed.
 *   It comes before the DAG files: with `--wait`, a DAG that needs a new
 *   package lands only once the environment has installed it.
 * - Prune deletes only objects the manifest lists, in reverse upload order.
 */
import path from "node:path";
import type { ResolvedPipeline } from "../resolve/index.js";
import { createDeployClients, type DeployClients } from "./aws.js";
import {
  type BundleFile,
  bundleFromRendered,
  isEnvironmentFile,
  readBundleDir,
  UPLOAD_CLASSES,
  type UploadClass,
  uploadClassOf,
} from "./bundle.js";
import type { EnvironmentInfo, WaitOptions } from "./environment.js";
import { DeployIncompleteError, PreflightError } from "./errors.js";
import {
  canonicalState,
  type EnvironmentState,
  emptyManifest,
  type ManagedObject,
  readManifest,
  writeManifest,
} from "./manifest.js";
import { callerAccount, expectBucketOwners, resolveBucketOwner } from "./owner.js";
import { buildPlan, desiredEnvironmentVersions, isNoop, keysToHead, type Plan, summarize } from "./plan.js";
import { runPool } from "./pool.js";
import { checkDeployBucket } from "./preflight.js";
import { NO_PROGRESS, type ProgressSink } from "./progress.js";
import { deleteObjects } from "./prune.js";
import { foldersOf, type HeadResult, headObject, listRemote } from "./remote.js";
import type { DeployReport, EnvironmentOutcome, PlanReport } from "./report.js";
import { DEFAULT_RETRY_POLICY, describeError, type RetryPolicy } from "./retry.js";
import type { DeploySettings } from "./settings.js";
import { DEFAULT_UPLOAD_TUNING, type UploadTuning, uploadFile } from "./upload.js";

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
}

/**
 * Deploys the bundle.
 * @returns the report of a completed deploy (or of the plan, with `dryRun`)
 * @throws {DeploySettingsError | PreflightError | SpecError} before anything is written
 * @throws {DeployIncompleteError} when writing started and did not finish; it carries the report
 */
export async function deploy(options: DeployOptions): Promise<DeployReport> {
  const started = (options.now ?? Date.now)();
  const { settings } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? DEFAULT_RETRY_POLICY.sleep;
  const progress = options.progress ?? NO_PROGRESS;
  let retries = 0;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    sleep,
    retries: settings.retries,
    ...options.retry,
    onRetry: (error, attempt) => {
      retries++;
      options.retry?.onRetry?.(error, attempt);
    },
  };
  const tuning: UploadTuning = { ...DEFAULT_UPLOAD_TUNING, ...options.tuning };
  const { bucket, prefix } = settings;
  const keyOf = (p: string) => `${prefix}${p}`;

  // Bundle, and the specs when --preflight needs them.
  const { bundle, pipelines } = await loadBundle(settings, options.cwd ?? process.cwd());
  const clients =
    options.clients ?? createDeployClients({ region: settings.region, concurrency: settings.concurrency });
  const { s3 } = clients;

  // Every S3 call carries ExpectedBucketOwner: the bucket must belong to the expected account.
  const owner = await resolveBucketOwner(settings, pipelines, clients, policy);
  const declaredOwners = new Map(pipelines?.flatMap((p) => Object.entries(p.pipeline.aws?.bucketOwners ?? {})) ?? []);
  expectBucketOwners(s3, (b) => (b === bucket ? owner.account : (declaredOwners.get(b) ?? owner.account)));
  const callerAccountOf = async () =>
    owner.fromCredentials ? owner.account : callerAccount(clients, policy).catch(() => undefined);

  // Preflight and the bucket's state, read in parallel (one round trip of
  // latency instead of four, which is most of a no-op deploy's time).
  const bundleFolders = foldersOf(bundle.map((f) => f.path));
  const [versioning, manifestRead, listed] = await Promise.allSettled([
    checkDeployBucket(s3, bucket, policy, { ...owner, callerAccount: callerAccountOf }),
    readManifest(s3, bucket, prefix, policy),
    listRemote(s3, bucket, prefix, { top: true, folders: bundleFolders }, policy),
  ]);
  // A missing or unversioned bucket explains the other failures, so it is reported first.
  if (versioning.status === "rejected") throw versioning.reason;
  if (manifestRead.status === "rejected") throw manifestRead.reason;
  if (listed.status === "rejected") throw listed.reason;
  const stored = manifestRead.value;
  const remote = listed.value;
  const extraFolders = [...foldersOf(Object.keys(stored?.manifest.objects ?? {}))].filter((f) => !bundleFolders.has(f));
  if (extraFolders.length > 0)
    for (const [k, v] of await listRemote(s3, bucket, prefix, { top: false, folders: extraFolders }, policy))
      remote.set(k, v);

  let preflight: PlanReport["preflight"];
  if (settings.preflight && pipelines) {
    const { checkResources, formatMissingResources, resourcesNamedBy } = await import("./resources.js");
    const check = await checkResources(resourcesNamedBy(pipelines), clients, policy, settings.concurrency);
    if (check.missing.length > 0) throw new PreflightError(formatMissingResources(check));
    preflight = {
      checked: check.checked,
      unreadable: check.unreadable.map((u) => `${u.ref.kind} "${u.ref.name}" ${u.problem}`),
    };
  }

  // Plan (read-only).
  const toHead = keysToHead(bundle, stored?.manifest, remote);
  const heads = new Map<string, HeadResult | undefined>();
  const headed = await runPool(toHead, settings.concurrency, async (p) =>
    heads.set(p, await headObject(s3, bucket, keyOf(p), policy)),
  );
  if (headed.failed.length > 0) throw headed.failed[0]!.error;
  const plan = buildPlan({
    bundle,
    manifest: stored?.manifest,
    remote,
    heads,
    prune: settings.prune,
    environment: settings.environment,
  });

  // The environment is read before anything is written, so a deploy aimed at
  // the wrong bucket or a busy environment stops with nothing changed.
  const waitOptions = (timeoutMs: number): WaitOptions => ({
    intervalMs: options.pollIntervalMs ?? 30_000,
    timeoutMs,
    sleep,
    now,
    onStatus: (status) => progress.note(`environment ${settings.environment}: ${status}`),
  });
  let envInfo: EnvironmentInfo | undefined;
  // Loaded only when MWAA is called: most deploys never are.
  const environmentApi =
    plan.environment.action !== "none" && settings.environment ? await import("./environment.js") : undefined;
  const mwaa = environmentApi ? await clients.mwaa() : undefined;
  if (environmentApi && mwaa && settings.environment) {
    const { describeEnvironment, checkEnvironmentTarget, isUpdatable, waitUntilUpdatable } = environmentApi;
    envInfo = await describeEnvironment(mwaa, settings.environment, policy);
    checkEnvironmentTarget(envInfo, bucket, prefix);
    if (!isUpdatable(envInfo) && plan.environment.action === "update" && !settings.dryRun) {
      if (!settings.wait)
        throw new PreflightError(
          `MWAA environment ${settings.environment} is ${envInfo.status}, and MWAA accepts no update until it is AVAILABLE. ` +
            `Re-run when it is, or add --wait to wait for it; nothing was written`,
        );
      envInfo = await waitUntilUpdatable(
        mwaa,
        settings.environment,
        policy,
        waitOptions(settings.waitTimeoutMinutes * 60_000),
      );
      progress.end();
    }
  }

  const planReport = toPlanReport(settings, plan, preflight);
  options.onPlan?.(planReport);
  const base = {
    plan: planReport,
    dryRun: settings.dryRun,
    uploaded: [] as { path: string; versionId: string | undefined; multipart: boolean; retries: number }[],
    failed: [] as { path: string; error: string }[],
    notAttempted: [] as string[],
    deleted: [] as string[],
    deleteFailed: [] as { path: string; error: string }[],
  };
  const finish = (fields: Pick<DeployReport, "outcome" | "environment" | "manifest">): DeployReport => ({
    ...base,
    ...fields,
    retries,
    durationMs: now() - started,
  });
  const noEnvironment: EnvironmentOutcome = { status: settings.environment ? "not needed" : "not configured" };

  if (settings.dryRun) return finish({ outcome: "planned", environment: noEnvironment, manifest: "not written" });

  const managed: Record<string, ManagedObject> = { ...plan.managed };
  const environments: Record<string, EnvironmentState> = { ...(stored?.manifest.environments ?? {}) };
  const newState = () => ({ objects: managed, environments });
  const before = canonicalState(stored?.manifest ?? emptyManifest());
  const stateChanged = () => canonicalState(newState()) !== before;

  if (isNoop(plan) && !stateChanged())
    return finish({ outcome: "nothing to do", environment: noEnvironment, manifest: "unchanged" });

  const saveManifest = async (): Promise<DeployReport["manifest"]> => {
    if (!stateChanged()) return "unchanged";
    try {
      await writeManifest(
        s3,
        bucket,
        prefix,
        newState(),
        stored,
        options.tool ?? "pipegen",
        policy,
        () => new Date(now()),
      );
      return "written";
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  };
  const incomplete = async (environment: EnvironmentOutcome, why: string): Promise<never> => {
    const tried = new Set([...base.uploaded.map((u) => u.path), ...base.failed.map((f) => f.path)]);
    base.notAttempted.push(
      ...plan.files
        .filter((f) => f.action !== "unchanged" && !tried.has(f.file.path))
        .sort((a, b) => a.file.uploadClass - b.file.uploadClass || (a.file.path < b.file.path ? -1 : 1))
        .map((f) => f.file.path),
    );
    const manifest = await saveManifest();
    progress.end();
    throw new DeployIncompleteError(why, finish({ outcome: "incomplete", environment, manifest }));
  };

  const pending = new Map<UploadClass, BundleFile[]>(UPLOAD_CLASSES.map((c) => [c.id, []]));
  for (const f of plan.files) if (f.action !== "unchanged") pending.get(f.file.uploadClass)!.push(f.file);
  const uploadClass = async (id: UploadClass): Promise<boolean> => {
    const files = pending.get(id)!;
    if (files.length === 0) return true;
    progress.phase(
      UPLOAD_CLASSES.find((c) => c.id === id)!.label,
      files.length,
      files.reduce((n, f) => n + f.size, 0),
    );
    // Largest first: a long multipart upload starts early instead of running alone at the end.
    const ordered = [...files].sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
    const outcome = await runPool(ordered, settings.concurrency, async (file) => {
      const r = await uploadFile({
        s3,
        bucket,
        key: keyOf(file.path),
        file,
        policy,
        tuning,
        onBytes: (n) => progress.bytes(n),
      });
      progress.fileDone();
      return r;
    });
    for (const { item, result } of outcome.done) {
      managed[item.path] = { sha256: item.sha256, etag: result.etag, versionId: result.versionId, size: item.size };
      base.uploaded.push({
        path: item.path,
        versionId: result.versionId,
        multipart: result.multipart,
        retries: result.retries,
      });
    }
    for (const { item, error } of outcome.failed) base.failed.push({ path: item.path, error: describeError(error) });
    return outcome.failed.length === 0;
  };
  const failedSummary = () =>
    `${base.failed.length} file${base.failed.length === 1 ? "" : "s"} could not be uploaded (${base.failed[0]!.path}: ${base.failed[0]!.error})`;

  for (const id of [1, 2] as const)
    if (!(await uploadClass(id)))
      return incomplete({ status: "not attempted", detail: "uploads failed first" }, failedSummary());

  // Environment update, between the modules and the DAGs.
  let environment: EnvironmentOutcome = noEnvironment;
  if (envInfo && environmentApi && mwaa && settings.environment) {
    const { isUpdatable, requestUpdate, runningVersions, updateInputFor, waitForUpdate } = environmentApi;
    const name = settings.environment;
    const desired = desiredEnvironmentVersions(plan.files, managed);
    const missingVersion = plan.files.find(
      (f) => isEnvironmentFile(f.file.path) && !desired[f.file.path as keyof typeof desired],
    );
    if (missingVersion)
      return incomplete(
        {
          status: "failed",
          detail: `S3 returned no version id for ${missingVersion.file.path}; is versioning still enabled on ${bucket}?`,
        },
        `the environment cannot be updated without object versions`,
      );
    const input = updateInputFor(envInfo, prefix, desired);
    if (!input) {
      const confirmed = envInfo.status === "AVAILABLE" && envInfo.lastUpdate?.status !== "FAILED";
      environments[name] = { versions: runningVersions(envInfo, prefix), confirmed };
      environment = {
        status: "up to date",
        detail: confirmed ? `${name} already runs these files` : `${name} is ${envInfo.status} with these files`,
      };
    } else if (!isUpdatable(envInfo)) {
      // Only a "check" gets here: the environment is still busy with the previous deploy's update.
      environment = { status: "not attempted", detail: `${name} is ${envInfo.status}; the next deploy checks again` };
    } else {
      const requestedAt = now();
      try {
        await requestUpdate(mwaa, input, policy);
      } catch (error) {
        return incomplete(
          { status: "failed", detail: error instanceof Error ? error.message : String(error), input },
          `the MWAA environment update was refused, so the DAG files were not uploaded`,
        );
      }
      environments[name] = { versions: desired, confirmed: false };
      environment = {
        status: "update requested",
        input,
        ...(pending.get(3)!.length > 0 && !settings.wait
          ? {
              detail:
                "until the environment is AVAILABLE again, changed DAGs that need the new requirements may fail to import",
            }
          : {}),
      };
      if (settings.wait) {
        const waited = await waitForUpdate(
          mwaa,
          name,
          requestedAt,
          policy,
          waitOptions(settings.waitTimeoutMinutes * 60_000),
        );
        progress.end();
        if (!waited.ok)
          return incomplete(
            { status: "failed", detail: waited.reason, input },
            `environment ${name} did not finish updating: ${waited.reason}. The DAG files were not uploaded, because they may need what the update installs`,
          );
        environments[name] = { versions: desired, confirmed: true };
        environment = { status: "updated", input };
      }
    }
  }

  for (const id of [3, 4] as const) if (!(await uploadClass(id))) return incomplete(environment, failedSummary());

  // Prune, in reverse upload order: DAG files go before the modules they import.
  const deletes = plan.stale.filter((s) => s.action === "delete");
  for (const id of [4, 3, 2, 1] as const) {
    const paths = deletes.filter((d) => d.uploadClass === id).map((d) => d.path);
    if (paths.length === 0) continue;
    progress.phase(`prune: ${UPLOAD_CLASSES.find((c) => c.id === id)!.label}`, paths.length, 0);
    const r = await deleteObjects(s3, bucket, prefix, paths, policy);
    for (const p of r.deleted) {
      delete managed[p];
      base.deleted.push(p);
      progress.fileDone();
    }
    base.deleteFailed.push(...r.failed);
    if (r.failed.length > 0)
      return incomplete(
        environment,
        `${r.failed.length} object${r.failed.length === 1 ? "" : "s"} could not be deleted (${r.failed[0]!.path}: ${r.failed[0]!.error})`,
      );
  }

  progress.end();
  const manifest = await saveManifest();
  if (typeof manifest !== "string")
    throw new DeployIncompleteError(
      `every file landed, but the deploy manifest was not written: ${manifest.failed}`,
      finish({ outcome: "incomplete", environment, manifest }),
    );
  return finish({ outcome: "deployed", environment, manifest });
}

async function loadBundle(
  settings: DeploySettings,
  cwd: string,
): Promise<{ bundle: BundleFile[]; pipelines: ResolvedPipeline[] | undefined }> {
  const readFrom = (from: string) => readBundleDir(from, path.relative(cwd, from) || ".");
  if (settings.from !== undefined && !settings.preflight)
    return { bundle: await readFrom(settings.from), pipelines: undefined };
  // Loaded only when specs are read: deploying a rendered folder needs no spec parser or renderer.
  const [{ validatePipelines }, { renderBundle }] = await Promise.all([
    import("../pipeline-run.js"),
    import("../render/bundle.js"),
  ]);
  const pipelines = await validatePipelines({ paths: settings.paths, cwd, airflowVersion: settings.airflowVersion });
  if (settings.from !== undefined) return { bundle: await readFrom(settings.from), pipelines };
  return { bundle: bundleFromRendered(renderBundle(pipelines)), pipelines };
}

function toPlanReport(settings: DeploySettings, plan: Plan, preflight: PlanReport["preflight"]): PlanReport {
  return {
    target: {
      bucket: settings.bucket,
      prefix: settings.prefix,
      environment: settings.environment,
      region: settings.region,
    },
    sources: settings.sources as Record<string, string>,
    summary: summarize(plan),
    uploads: plan.files
      .filter((f) => f.action !== "unchanged")
      .map((f) => ({
        path: f.file.path,
        action: f.action as "add" | "change",
        reason: f.reason ?? "",
        uploadClass: f.file.uploadClass,
        size: f.file.size,
      }))
      .sort((a, b) => a.uploadClass - b.uploadClass || (a.path < b.path ? -1 : 1)),
    deletes: plan.stale
      .filter((s) => s.action === "delete")
      .map((s) => ({ path: s.path, reason: s.reason, uploadClass: uploadClassOf(s.path) })),
    kept: plan.stale.filter((s) => s.action === "keep").map((s) => ({ path: s.path, reason: s.reason })),
    released: plan.released,
    environment: { action: plan.environment.action, reasons: plan.environment.reasons },
    ...(preflight ? { preflight } : {}),
  };
}
