/**
 * The planning phase: the HEAD requests the plan needs beyond the listing,
 * the plan itself (plan.ts decides; nothing here writes), and the plan as the
 * report shows it.
 */
import { isRunnerArchivePath } from "../runner/location.js";
import type { BucketTarget } from "./bucket-target.js";
import { type BundleFile, uploadClassOf } from "./bundle.js";
import { buildPlan, keysToHead, type Plan, summarize } from "./plan.js";
import { runPool } from "./pool.js";
import type { BucketState } from "./read-state.js";
import { type HeadResult, headObject } from "./remote.js";
import type { PlanReport } from "./report.js";
import { runnersInUse } from "./runner.js";
import type { DeploySettings } from "./settings.js";

/**
 * Plans the deploy. Objects the manifest cannot vouch for (an interrupted
 * deploy wrote them before it could record them) are read with HEAD, so the
 * plan can recognise pipegen's own uploads by their SHA-256. When the bundle
 * no longer names a runner archive the manifest lists, the deployed
 * startup.sh versions are read, so that prune keeps what they fetch.
 * @throws {AwsCallError} when a HEAD or a read fails after retries
 */
export async function planDeploy(
  target: BucketTarget,
  bundle: readonly BundleFile[],
  state: BucketState,
  settings: Pick<DeploySettings, "prune" | "environment" | "concurrency">,
): Promise<Plan> {
  const manifest = state.stored?.manifest;
  const heads = new Map<string, HeadResult | undefined>();
  const headed = await runPool(keysToHead(bundle, manifest, state.remote), settings.concurrency, async (p) =>
    heads.set(p, await headObject(target, p)),
  );
  if (headed.failed.length > 0) throw headed.failed[0]!.error;
  const inUse = await runnersInUse(target, manifest, new Set(bundle.map((f) => f.path)));
  return buildPlan({
    bundle,
    manifest,
    remote: state.remote,
    heads,
    prune: settings.prune,
    environment: settings.environment,
    runnersInUse: inUse,
  });
}

/** Where a file lands: its class, and in class 1 the runner archives before the rest (apply.ts). */
const uploadRank = (u: { path: string; uploadClass: number }) =>
  u.uploadClass + (u.uploadClass === 1 && !isRunnerArchivePath(u.path) ? 0.5 : 0);

/** The plan as printed before anything is written (and in `--json`): uploads in upload order. */
export function toPlanReport(settings: DeploySettings, plan: Plan, preflight: PlanReport["preflight"]): PlanReport {
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
      .sort((a, b) => uploadRank(a) - uploadRank(b) || (a.path < b.path ? -1 : 1)),
    deletes: plan.stale
      .filter((s) => s.action === "delete")
      .map((s) => ({ path: s.path, reason: s.reason, uploadClass: uploadClassOf(s.path) })),
    kept: plan.stale.filter((s) => s.action === "keep").map((s) => ({ path: s.path, reason: s.reason })),
    released: plan.released,
    environment: { action: plan.environment.action, reasons: plan.environment.reasons },
    ...(preflight ? { preflight } : {}),
  };
}
