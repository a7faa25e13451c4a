/**
 * What the bucket holds under the prefix. One delimited listing finds the
 * top-level files (requirements.txt, startup.sh, plugins.zip); only the
 * folders that the bundle or the manifest use are listed in full, so other
 * teams' folders and large data prefixes in the same bucket are never walked.
 */
import { HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { type BucketTarget, bucketParams, keyOf, objectParams, pathOf, s3Url } from "./bucket-target.js";
import { AwsCallError } from "./errors.js";
import { describeError, withRetry } from "./retry.js";

/** An object as a listing shows it. */
export interface RemoteObject {
  readonly etag: string;
  readonly size: number;
}

/** Metadata key holding the SHA-256 of what pipegen uploaded (`x-amz-meta-pipegen-sha256`). */
export const SHA256_METADATA = "pipegen-sha256";

/**
 * Lists objects under the target's prefix, keyed relative to it: with `top`,
 * the files at its top level (one delimited listing); and everything in each
 * of `folders` (first path segments such as `dags`). The listings run in
 * parallel.
 */
export async function listRemote(
  target: BucketTarget,
  scope: { readonly top: boolean; readonly folders: Iterable<string> },
): Promise<Map<string, RemoteObject>> {
  const out = new Map<string, RemoteObject>();
  /** Lists the keys under `folder` (a bundle path ending in "/", or "" for the prefix itself). */
  const list = async (folder: string, delimiter: string | undefined): Promise<void> => {
    let token: string | undefined;
    do {
      const page = await withRetry(
        () =>
          target.s3.send(
            new ListObjectsV2Command({
              ...bucketParams(target),
              Prefix: keyOf(target, folder),
              Delimiter: delimiter,
              ContinuationToken: token,
            }),
          ),
        target.policy,
      ).catch((error: unknown) => {
        throw new AwsCallError(`cannot list ${s3Url(target, folder)}: ${describeError(error)}`, error);
      });
      for (const o of page.Contents ?? []) out.set(pathOf(target, o.Key!), { etag: o.ETag ?? "", size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await Promise.all([
    ...(scope.top ? [list("", "/")] : []),
    ...[...new Set(scope.folders)].map((f) => list(`${f}/`, undefined)),
  ]);
  return out;
}

/** First path segments of the paths that lie in a folder: `dags/a.py` → `dags`. */
export function foldersOf(paths: Iterable<string>): Set<string> {
  return new Set([...paths].filter((p) => p.includes("/")).map((p) => p.split("/")[0]!));
}

/** An object as HEAD shows it. */
export interface HeadResult {
  /** The SHA-256 pipegen recorded when it uploaded the object; undefined for objects pipegen did not write. */
  readonly sha256: string | undefined;
  readonly versionId: string | undefined;
  readonly etag: string;
  readonly size: number;
}

/**
 * Reads the metadata of the object at a bundle path: how a deploy recognises
 * what an interrupted run already uploaded. Undefined when there is none.
 */
export async function headObject(target: BucketTarget, path: string): Promise<HeadResult | undefined> {
  try {
    const h = await withRetry(() => target.s3.send(new HeadObjectCommand(objectParams(target, path))), target.policy);
    return {
      sha256: h.Metadata?.[SHA256_METADATA],
      versionId: h.VersionId,
      etag: h.ETag ?? "",
      size: h.ContentLength ?? 0,
    };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw new AwsCallError(`cannot read ${s3Url(target, path)}: ${describeError(error)}`, error);
  }
}
