/**
 * What the bucket holds under the prefix. One delimited listing finds the
 * top-level files (requirements.txt, startup.sh, plugins.zip); only the
 * folders that the bundle or the manifest use are listed in full, so other
 * teams' folders and large data prefixes in the same bucket are never walked.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { AwsCallError } from "./errors.js";
import { describeError, withRetry, type RetryPolicy } from "./retry.js";

export interface RemoteObject {
  readonly etag: string;
  readonly size: number;
}

/** Metadata key holding the SHA-256 of what pipegen uploaded (`x-amz-meta-pipegen-sha256`). */
export const SHA256_METADATA = "pipegen-sha256";

/**
 * Lists the objects under `prefix` that lie at its top level or in one of
 * `folders` (first path segments such as `dags`), keyed relative to the prefix.
 */
export async function listRemote(
  s3: S3Client,
  bucket: string,
  prefix: string,
  folders: ReadonlySet<string>,
  policy: RetryPolicy,
): Promise<Map<string, RemoteObject>> {
  const out = new Map<string, RemoteObject>();
  const list = async (listPrefix: string, delimiter: string | undefined): Promise<string[]> => {
    const common: string[] = [];
    let token: string | undefined;
    do {
      const page = await withRetry(
        () => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix, Delimiter: delimiter, ContinuationToken: token })),
        policy,
      ).catch((error: unknown) => {
        throw new AwsCallError(`cannot list s3://${bucket}/${listPrefix}: ${describeError(error)}`, error);
      });
      for (const o of page.Contents ?? []) out.set(o.Key!.slice(prefix.length), { etag: o.ETag ?? "", size: o.Size ?? 0 });
      for (const p of page.CommonPrefixes ?? []) common.push(p.Prefix!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return common;
  };
  const top = await list(prefix, "/");
  const wanted = top.filter((p) => folders.has(p.slice(prefix.length, -1)));
  await Promise.all(wanted.map((p) => list(p, undefined)));
  return out;
}

export interface HeadResult {
  /** The SHA-256 pipegen recorded when it uploaded the object; undefined for objects pipegen did not write. */
  readonly sha256: string | undefined;
  readonly versionId: string | undefined;
  readonly etag: string;
  readonly size: number;
}

/** Reads an object's metadata: how a deploy recognises what an interrupted run already uploaded. */
export async function headObject(s3: S3Client, bucket: string, key: string, policy: RetryPolicy): Promise<HeadResult | undefined> {
  try {
    const h = await withRetry(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), policy);
    return { sha256: h.Metadata?.[SHA256_METADATA], versionId: h.VersionId, etag: h.ETag ?? "", size: h.ContentLength ?? 0 };
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return undefined;
    throw new AwsCallError(`cannot read s3://${bucket}/${key}: ${describeError(error)}`, error);
  }
}
