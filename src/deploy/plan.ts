/**
 * The plan: what a deploy will add, change, delete and leave alone, decided
 * by content hash (SHA-256), never by size or modification time.
 *
 * An object counts as pipegen's when the manifest lists it and its ETag in the
 * bucket is still the one pipegen recorded. An object the manifest does not
 * know (an interrupted deploy wrote it before it could record it) is
 * recognised by the SHA-256 pipegen stores in its metadata; that costs one
 * HEAD request, and only for such objects.
 */
import { type BundleFile, type EnvironmentFile, isEnvironmentFile, type UploadClass, uploadClassOf } from "./bundle.js";
import type { EnvironmentVersions, ManagedObject, Manifest } from "./manifest.js";
import type { HeadResult, RemoteObject } from "./remote.js";

/** What the deploy does with a bundle file. */
export type FileAction = "add" | "change" | "unchanged";

/** One bundle file and what the deploy does with it. */
export interface FileStep {
  readonly file: BundleFile;
  readonly action: FileAction;
  /** Why it is added or changed. */
  readonly reason?: string;
}

/** An object pipegen manages that the bundle no longer has: pruned or kept. */
export interface StaleObject {
  /** Key relative to the prefix. */
  readonly path: string;
  readonly uploadClass: UploadClass;
  readonly action: "delete" | "keep";
  readonly reason: string;
}

/** What the deploy does with the MWAA environment; see `EnvironmentPlan`. */
export type EnvironmentAction = "none" | "update" | "check";

/** Whether the MWAA environment is updated, checked or left alone, and why. */
export interface EnvironmentPlan {
  readonly name: string | undefined;
  /**
   * `update`: an environment file changes, so UpdateEnvironment will be called.
   * `check`: nothing changes in the bucket, but pipegen has not seen the
   * environment use the current versions; GetEnvironment decides.
   */
  readonly action: EnvironmentAction;
  readonly reasons: readonly string[];
}

/** Everything a deploy will do, decided before anything is written. */
export interface Plan {
  /** Every bundle file, in bundle order. */
  readonly files: readonly FileStep[];
  readonly stale: readonly StaleObject[];
  /** Objects that were pipegen's but were changed or removed by someone else; no longer managed. */
  readonly released: readonly { path: string; reason: string }[];
  /** What the bucket already holds that pipegen manages, before any write: the starting point of the new manifest. */
  readonly managed: Readonly<Record<string, ManagedObject>>;
  readonly environment: EnvironmentPlan;
}

/** What the plan is made from: the bundle and what the bucket holds. */
export interface PlanInput {
  readonly bundle: readonly BundleFile[];
  readonly manifest: Manifest | undefined;
  readonly remote: ReadonlyMap<string, RemoteObject>;
  /** HEAD results for the keys `keysToHead` returned. */
  readonly heads: ReadonlyMap<string, HeadResult | undefined>;
  readonly prune: boolean;
  readonly environment: string | undefined;
  /** Runner archives a deployed startup.sh names (deploy/runner.ts): never pruned. */
  readonly runnersInUse?: ReadonlySet<string>;
}

/** Bundle paths in the bucket whose content the manifest cannot vouch for. */
export function keysToHead(
  bundle: readonly BundleFile[],
  manifest: Manifest | undefined,
  remote: ReadonlyMap<string, RemoteObject>,
): string[] {
  return bundle
    .filter((f) => {
      const there = remote.get(f.path);
      if (!there) return false;
      const known = manifest?.objects[f.path];
      return !known || known.etag !== there.etag;
    })
    .map((f) => f.path);
}

/** Decides what to add, change, delete, keep and release, and what to ask MWAA. Reads nothing itself. */
export function buildPlan(input: PlanInput): Plan {
  const { bundle, remote, heads } = input;
  const recorded = input.manifest?.objects ?? {};
  const managed: Record<string, ManagedObject> = {};
  const released: { path: string; reason: string }[] = [];

  // The manifest's objects that are still what pipegen wrote.
  for (const [p, m] of Object.entries(recorded)) {
    const there = remote.get(p);
    if (!there) {
      if (!bundle.some((f) => f.path === p)) released.push({ path: p, reason: "was deleted outside pipegen" });
    } else if (there.etag === m.etag) managed[p] = m;
    else if (!bundle.some((f) => f.path === p))
      released.push({ path: p, reason: "was changed outside pipegen, so pipegen no longer manages it" });
  }

  const files: FileStep[] = bundle.map((file) => {
    const there = remote.get(file.path);
    if (!there) return { file, action: "add", reason: recorded[file.path] ? "missing from the bucket" : "new" };
    const known = managed[file.path];
    if (known)
      return known.sha256 === file.sha256
        ? { file, action: "unchanged" }
        : { file, action: "change", reason: "content changed" };
    const head = heads.get(file.path);
    if (head?.sha256 === file.sha256) {
      // Uploaded by an earlier, interrupted deploy: adopt it instead of uploading it again.
      managed[file.path] = { sha256: file.sha256, etag: head.etag, versionId: head.versionId, size: head.size };
      return { file, action: "unchanged" };
    }
    if (recorded[file.path]) return { file, action: "change", reason: "changed outside pipegen" };
    return {
      file,
      action: "change",
      reason: head?.sha256 ? "content changed" : "replaces an object pipegen did not write",
    };
  });

  const inBundle = new Set(bundle.map((f) => f.path));
  const stale: StaleObject[] = Object.keys(managed)
    .filter((p) => !inBundle.has(p))
    .sort()
    .map((p) => {
      const uploadClass = uploadClassOf(p);
      if (isEnvironmentFile(p))
        return {
          path: p,
          uploadClass,
          action: "keep",
          reason: "no longer in the bundle, but the environment may still use it; never pruned",
        };
      if (input.runnersInUse?.has(p))
        return {
          path: p,
          uploadClass,
          action: "keep",
          reason: "a deployed startup.sh fetches this XTable runner; never pruned while one does",
        };
      if (!input.prune)
        return { path: p, uploadClass, action: "keep", reason: "no longer in the bundle; --prune deletes it" };
      return { path: p, uploadClass, action: "delete", reason: "no longer in the bundle" };
    });

  return { files, stale, released, managed, environment: planEnvironment(input, files, managed) };
}

function planEnvironment(
  input: PlanInput,
  files: readonly FileStep[],
  managed: Readonly<Record<string, ManagedObject>>,
): EnvironmentPlan {
  const name = input.environment;
  if (!name) return { name, action: "none", reasons: [] };
  const envFiles = files.filter((f) => isEnvironmentFile(f.file.path));
  const changed = envFiles.filter((f) => f.action !== "unchanged");
  if (changed.length > 0)
    return {
      name,
      action: "update",
      reasons: changed.map((f) => `${f.file.path} ${f.action === "add" ? "added" : "changed"}`),
    };
  const state = input.manifest?.environments[name];
  if (!state)
    return {
      name,
      action: envFiles.length > 0 ? "check" : "none",
      reasons: envFiles.length > 0 ? ["pipegen has not updated this environment before"] : [],
    };
  const behind = envFiles.filter(
    (f) => managed[f.file.path]?.versionId !== state.versions[f.file.path as EnvironmentFile],
  );
  if (behind.length > 0)
    return {
      name,
      action: "update",
      reasons: behind.map((f) => `${f.file.path} was uploaded but never sent to the environment`),
    };
  if (!state.confirmed)
    return { name, action: "check", reasons: ["the last deploy requested an update without waiting for it"] };
  return { name, action: "none", reasons: [] };
}

/** The versions the environment should run once the uploads are done. */
export function desiredEnvironmentVersions(
  files: readonly FileStep[],
  managed: Readonly<Record<string, ManagedObject>>,
): EnvironmentVersions {
  const out: EnvironmentVersions = {};
  for (const f of files)
    if (isEnvironmentFile(f.file.path) && managed[f.file.path]?.versionId)
      out[f.file.path] = managed[f.file.path]!.versionId!;
  return out;
}

/** Counts for the plan's last line. */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly unchanged: number;
  readonly delete: number;
  readonly keep: number;
  readonly uploadBytes: number;
}

/** Counts the plan's actions, and the bytes to upload. */
export function summarize(plan: Plan): PlanSummary {
  const count = (a: FileAction) => plan.files.filter((f) => f.action === a).length;
  return {
    add: count("add"),
    change: count("change"),
    unchanged: count("unchanged"),
    delete: plan.stale.filter((s) => s.action === "delete").length,
    keep: plan.stale.filter((s) => s.action === "keep").length,
    uploadBytes: plan.files.filter((f) => f.action !== "unchanged").reduce((n, f) => n + f.file.size, 0),
  };
}

/** True when the deploy has nothing to write and nothing to ask MWAA. */
export function isNoop(plan: Plan): boolean {
  return (
    plan.files.every((f) => f.action === "unchanged") &&
    plan.stale.every((s) => s.action === "keep") &&
    plan.environment.action === "none"
  );
}
