/**
 * The writing phase: uploads by class, the environment update between the
 * modules and the DAG files, prune, and last the manifest.
 *
 * - Each upload class is complete before the next starts, so a DAG never
 *   lands before the modules it imports; after a failure nothing of a later
 *   class is sent.
 * - The environment update comes before the DAG files: with `--wait`, a DAG
 *   that needs a new package lands only once the environment has installed it.
 * - Prune runs in reverse upload order: DAG files go before the modules they
 *   import.
 * - When a step fails, the manifest still records what landed, so the re-run
 *   recognises it.
 */
import { isRunnerArchivePath } from "../runner/location.js";
import type { BucketTarget } from "./bucket-target.js";
import { UPLOAD_CLASSES, type UploadClass } from "./bundle.js";
import { type ManifestWrite, writeManifest } from "./manifest.js";
import type { Plan } from "./plan.js";
import { runPool } from "./pool.js";
import type { ProgressSink } from "./progress.js";
import { deleteObjects } from "./prune.js";
import type { DeployReport, EnvironmentOutcome } from "./report.js";
import { describeError } from "./retry.js";
import { type UploadTuning, uploadFile } from "./upload.js";
import type { WriteLog } from "./write-log.js";

/** Everything the writing phase reads, and the log it writes to. */
export interface ApplyContext {
  readonly target: BucketTarget;
  readonly plan: Plan;
  readonly log: WriteLog;
  /** Parallel S3 requests. */
  readonly concurrency: number;
  readonly tuning: UploadTuning;
  readonly progress: ProgressSink;
  /** The manifest read at plan time, and what the new one records besides the state. */
  readonly manifest: ManifestWrite;
}

/**
 * How the environment step between classes 2 and 3 ended (update-environment.ts
 * takes it); `ok: false` stops the deploy before the DAG files.
 */
export type EnvironmentStep =
  | { readonly ok: true; readonly outcome: EnvironmentOutcome }
  | { readonly ok: false; readonly outcome: EnvironmentOutcome; readonly why: string };

/** How the writing ended: completed, or stopped with the reason. */
export type Applied =
  | {
      readonly outcome: "deployed";
      readonly environment: EnvironmentOutcome;
      readonly manifest: DeployReport["manifest"];
    }
  | {
      readonly outcome: "incomplete";
      readonly environment: EnvironmentOutcome;
      readonly manifest: DeployReport["manifest"];
      readonly why: string;
    };

/**
 * Writes what the plan says, in order. `updateEnvironment` runs between
 * classes 2 and 3. A failed upload or delete, a refused or failed environment
 * update and a failed manifest write end the writing and come back as an
 * `incomplete` outcome, with the log saying what landed; only an error while
 * reading the environment is thrown.
 */
export async function applyPlan(
  ctx: ApplyContext,
  updateEnvironment: () => Promise<EnvironmentStep>,
): Promise<Applied> {
  for (const id of [1, 2] as const)
    if (!(await uploadClass(ctx, id)))
      return stop(ctx, { status: "not attempted", detail: "uploads failed first" }, uploadFailures(ctx));
  const environment = await updateEnvironment();
  if (!environment.ok) return stop(ctx, environment.outcome, environment.why);
  for (const id of [3, 4] as const)
    if (!(await uploadClass(ctx, id))) return stop(ctx, environment.outcome, uploadFailures(ctx));
  const pruneFailure = await pruneStale(ctx);
  if (pruneFailure) return stop(ctx, environment.outcome, pruneFailure);
  ctx.progress.end();
  const manifest = await saveManifest(ctx);
  if (typeof manifest !== "string")
    return {
      outcome: "incomplete",
      environment: environment.outcome,
      manifest,
      why: `every file landed, but the deploy manifest was not written: ${manifest.failed}`,
    };
  return { outcome: "deployed", environment: environment.outcome, manifest };
}

/** Ends the writing after a failure: records what was not tried and saves the manifest of what landed. */
async function stop(ctx: ApplyContext, environment: EnvironmentOutcome, why: string): Promise<Applied> {
  const tried = new Set([...ctx.log.uploaded.map((u) => u.path), ...ctx.log.failed.map((f) => f.path)]);
  ctx.log.notAttempted.push(
    ...ctx.plan.files
      .filter((f) => f.action !== "unchanged" && !tried.has(f.file.path))
      .sort((a, b) => a.file.uploadClass - b.file.uploadClass || (a.file.path < b.file.path ? -1 : 1))
      .map((f) => f.file.path),
  );
  const manifest = await saveManifest(ctx);
  ctx.progress.end();
  return { outcome: "incomplete", environment, manifest, why };
}

/**
 * Uploads the added and changed files of one class; true when all of them
 * landed. In class 1 the XTable runner archives land first, then startup.sh
 * and the rest: a startup.sh never names an archive that is not there yet.
 */
async function uploadClass(ctx: ApplyContext, id: UploadClass): Promise<boolean> {
  const { log, progress } = ctx;
  const files = ctx.plan.files.filter((f) => f.action !== "unchanged" && f.file.uploadClass === id).map((f) => f.file);
  if (files.length === 0) return true;
  progress.phase(
    classLabel(id),
    files.length,
    files.reduce((n, f) => n + f.size, 0),
  );
  const waves =
    id === 1
      ? [files.filter((f) => isRunnerArchivePath(f.path)), files.filter((f) => !isRunnerArchivePath(f.path))]
      : [files];
  for (const wave of waves) {
    // Largest first: a long multipart upload starts early instead of running alone at the end.
    const ordered = [...wave].sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
    const outcome = await runPool(ordered, ctx.concurrency, async (file) => {
      const r = await uploadFile({ target: ctx.target, file, tuning: ctx.tuning, onBytes: (n) => progress.bytes(n) });
      progress.fileDone();
      return r;
    });
    for (const { item, result } of outcome.done) {
      log.managed[item.path] = { sha256: item.sha256, etag: result.etag, versionId: result.versionId, size: item.size };
      log.uploaded.push({
        path: item.path,
        versionId: result.versionId,
        multipart: result.multipart,
        retries: result.retries,
      });
    }
    for (const { item, error } of outcome.failed) log.failed.push({ path: item.path, error: describeError(error) });
    if (outcome.failed.length > 0) return false;
  }
  return true;
}

/** The reason a deploy stopped at an upload, naming the first failure. */
function uploadFailures({ log }: ApplyContext): string {
  return `${log.failed.length} file${log.failed.length === 1 ? "" : "s"} could not be uploaded (${log.failed[0]!.path}: ${log.failed[0]!.error})`;
}

/** Deletes what the plan prunes, one class at a time from the last; the reason when a delete failed. */
async function pruneStale(ctx: ApplyContext): Promise<string | undefined> {
  const { log, progress } = ctx;
  const deletes = ctx.plan.stale.filter((s) => s.action === "delete");
  for (const id of [4, 3, 2, 1] as const) {
    const paths = deletes.filter((d) => d.uploadClass === id).map((d) => d.path);
    if (paths.length === 0) continue;
    progress.phase(`prune: ${classLabel(id)}`, paths.length, 0);
    const r = await deleteObjects(ctx.target, paths);
    for (const p of r.deleted) {
      delete log.managed[p];
      log.deleted.push(p);
      progress.fileDone();
    }
    log.deleteFailed.push(...r.failed);
    if (r.failed.length > 0)
      return `${r.failed.length} object${r.failed.length === 1 ? "" : "s"} could not be deleted (${r.failed[0]!.path}: ${r.failed[0]!.error})`;
  }
  return undefined;
}

/** Writes the manifest when the state changed; a failure is returned, not thrown, so the report can carry it. */
async function saveManifest(ctx: ApplyContext): Promise<DeployReport["manifest"]> {
  if (!ctx.log.changed()) return "unchanged";
  try {
    await writeManifest(ctx.target, ctx.log.state(), ctx.manifest);
    return "written";
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

const classLabel = (id: UploadClass) => UPLOAD_CLASSES.find((c) => c.id === id)!.label;
