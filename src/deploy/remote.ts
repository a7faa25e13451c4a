/**
 * What the bucket holds under the prefix. One delimited listing finds the
 * top-level files (requirements.txt, startup.sh, plugins.zip); only the
 * folders that the bundle or the manifest use are listed in full, so other
 * teams' folders and large data prefixes in the same bucket are never walked.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { AwsCallError } from "./errors.js";
import { describeError, type RetryPolicy, withRetry } from "./retry.js";

export interface RemoteObject {
  readonly etag: string;
  readonly size: number;
}

/** Metadata key holding the SHA-256 of what pipegen uploaded (`x-amz-meta-pipegen-sha256`). */
export const SHA256_METADATA = "pipegen-sha256";

/**
 * Lists objects under `prefix`, keyed relative to it: with `top`, the files
 * at its top level (one delimited listing); and everything in each of
 * `folders` (first path segments such as `dags`). The listings run in parallel.
 */
export async function listRemote(
  s3: S3Client,
  bucket: string,
  prefix: string,
  scope: { readonly top: boolean; readonly folders: Iterable<string> },
  policy: RetryPolicy,
): Promise<Map<string, RemoteObject>> {
  const out = new Map<string, RemoteObject>();
  const list = async (listPrefix: string, delimiter: string | undefined): Promise<void> => {
    let token: string | undefined;
    do {
      const page = await withRetry(
        () =>
          s3.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: listPrefix,
              Delimiter: delimiter,
              ContinuationToken: token,
            }),
          ),
        policy,
      ).catch((error: unknown) => {
        throw new AwsCallError(`cannot list s3://${bucket}/${listPrefix}: ${describeError(error)}`, error);
      });
      for (const o of page.Contents ?? [])
        out.set(o.Key!.slice(prefix.length), { etag: o.ETag ?? "", size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  await Promise.all([
    ...(scope.top ? [list(prefix, "/")] : []),
    ...[...new Set(scope.folders)].map((f) => list(`${prefix}${f}/`, undefined)),
  ]);
  return out;
}

/** First path segments of the paths that lie in a folder: `dags/a.py` → `dags`. */
export function foldersOf(paths: Iterable<string>): Set<string> {
  return new Set([...paths].filter((p) => p.includes("/")).map((p) => p.split("/")[0]!));
}

export interface HeadResult {
  /** The SHA-256 pipegen recorded when it uploaded the object; undefined for objects pipegen did not write. */
  readonly sha256: string | undefined;
  readonly versionId: string | undefined;
  readonly etag: string;
  readonly size: number;
}

/** Reads an object's metadata: how a deploy recognises what an interrupted run already uploaded. */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
  policy: RetryPolicy,
): Promise<HeadResult | undefined> {
  try {
    const h = await withRetry(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), policy);
    return {
      sha256: h.Metadata?.[SHA256_METADATA],
      versionId: h.VersionId,
      etag: h.ETag ?? "",
      size: h.ContentLength ?? 0,
    };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw new AwsCallError(`cannot read s3://${bucket}/${key}: ${describeError(error)}`, error);
  }
}
