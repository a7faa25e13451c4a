/**
 * The first phase of a deploy: what the bucket holds and whether it can take
 * a deploy at all. Nothing is written here.
 *
 * The versioning preflight, the manifest and the listing are read in
 * parallel: one round trip of latency instead of four, which is most of a
 * no-op deploy's time.
 */
import type { BucketTarget } from "./bucket-target.js";
import type { BundleFile } from "./bundle.js";
import { readManifest, type StoredManifest } from "./manifest.js";
import { checkDeployBucket, type ExpectedOwner } from "./preflight.js";
import { foldersOf, listRemote, type RemoteObject } from "./remote.js";

/** What the bucket holds under the prefix, before anything is written. */
export interface BucketState {
  /** The deploy manifest; undefined on the first deploy to this prefix. */
  readonly stored: StoredManifest | undefined;
  /** The objects in the folders the bundle or the manifest use, keyed by bundle path. */
  readonly remote: Map<string, RemoteObject>;
}

/**
 * Checks that the bucket exists and is versioned, and reads the manifest and
 * the listing.
 * @throws {PreflightError} when the bucket is missing or unversioned, or the manifest is not pipegen's
 * @throws {AwsCallError} when a read fails after retries
 */
export async function readBucketState(
  target: BucketTarget,
  bundle: readonly BundleFile[],
  owner?: ExpectedOwner,
): Promise<BucketState> {
  const bundleFolders = foldersOf(bundle.map((f) => f.path));
  const [versioning, manifestRead, listed] = await Promise.allSettled([
    checkDeployBucket(target, owner),
    readManifest(target),
    listRemote(target, { top: true, folders: bundleFolders }),
  ]);
  // A missing or unversioned bucket explains the other failures, so it is reported first.
  if (versioning.status === "rejected") throw versioning.reason;
  if (manifestRead.status === "rejected") throw manifestRead.reason;
  if (listed.status === "rejected") throw listed.reason;
  const stored = manifestRead.value;
  const remote = listed.value;
  // Folders only the manifest names (the bundle dropped them) hold objects that prune and release must see.
  const extraFolders = [...foldersOf(Object.keys(stored?.manifest.objects ?? {}))].filter((f) => !bundleFolders.has(f));
  if (extraFolders.length > 0)
    for (const [k, v] of await listRemote(target, { top: false, folders: extraFolders })) remote.set(k, v);
  return { stored, remote };
}
