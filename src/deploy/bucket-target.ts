/**
 * Where a deploy writes: the MWAA bucket, the key prefix inside it, the S3
 * client that reaches it and the retry policy every request to it follows.
 * Every S3 call of a deploy goes through one `BucketTarget`, and builds its
 * `Bucket`/`Key` parameters with `bucketParams`/`objectParams`, so a
 * parameter that every request to the bucket must carry is added here once.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { RetryPolicy } from "./retry.js";

/** The bucket and prefix a deploy writes to, with the client and retry policy of every request to them. */
export interface BucketTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix inside the bucket: "" or a path ending in "/", e.g. "team-a/". */
  readonly prefix: string;
  readonly policy: RetryPolicy;
}

/** The object key of a bundle path: `dags/a.py` → `team-a/dags/a.py`. */
export function keyOf(target: BucketTarget, path: string): string {
  return `${target.prefix}${path}`;
}

/** The bundle path of an object key under the prefix: the inverse of `keyOf`. */
export function pathOf(target: BucketTarget, key: string): string {
  return key.slice(target.prefix.length);
}

/** The parameters that name the bucket in a bucket-level request (versioning, listing, batch delete). */
export function bucketParams(target: BucketTarget): { Bucket: string } {
  return { Bucket: target.bucket };
}

/** The parameters that name one object: the bucket, and the key of `path` under the prefix. */
export function objectParams(target: BucketTarget, path: string): { Bucket: string; Key: string } {
  return { ...bucketParams(target), Key: keyOf(target, path) };
}

/** `s3://bucket/key` of a bundle path, for messages. */
export function s3Url(target: BucketTarget, path: string): string {
  return `s3://${target.bucket}/${keyOf(target, path)}`;
}
