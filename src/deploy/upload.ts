/**
 * Uploads one bundle file. Small files go in one PutObject, large ones as a
 * multipart upload whose parts are retried one by one. Every request carries
 * the SHA-256 of its body, so S3 rejects a body damaged in transit, and the
 * object keeps the file's SHA-256 in its metadata, so a later deploy can
 * recognise it.
 */
import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type BucketTarget, objectParams } from "./bucket-target.js";
import type { BundleFile } from "./bundle.js";
import { runPool } from "./pool.js";
import { headObject, SHA256_METADATA } from "./remote.js";
import { withRetry } from "./retry.js";

/** When and how files go as multipart uploads. */
export interface UploadTuning {
  /** Files of at least this many bytes go as multipart uploads (S3's minimum part is 5 MiB). */
  readonly multipartThreshold: number;
  readonly partSize: number;
  /** Parts of one file in flight at once. */
  readonly partConcurrency: number;
}

/** 8 MiB parts from 8 MiB on, four parts of a file in flight. */
export const DEFAULT_UPLOAD_TUNING: UploadTuning = {
  multipartThreshold: 8 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  partConcurrency: 4,
};

/** What S3 returned for an upload. */
export interface UploadResult {
  readonly versionId: string | undefined;
  readonly etag: string;
  readonly multipart: boolean;
  /** Retried requests while uploading this file. */
  readonly retries: number;
}

/** One file to upload, where, and how. */
export interface UploadRequest {
  readonly target: BucketTarget;
  /** Uploaded to its own path under the target's prefix. */
  readonly file: BundleFile;
  readonly tuning: UploadTuning;
  /** Called with byte counts as they are confirmed by S3. */
  readonly onBytes?: (bytes: number) => void;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  py: "text/x-python; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  sh: "text/x-shellscript; charset=utf-8",
  json: "application/json",
  yaml: "application/yaml",
  yml: "application/yaml",
  sql: "application/sql",
  zip: "application/zip",
  jar: "application/java-archive",
};

function contentTypeOf(p: string): string {
  const name = p.split("/").pop()!;
  if (name === ".airflowignore") return "text/plain; charset=utf-8";
  return CONTENT_TYPES[name.includes(".") ? name.split(".").pop()! : ""] ?? "application/octet-stream";
}

const sha256Base64 = (body: Uint8Array) => createHash("sha256").update(body).digest("base64");

/** Uploads one file: one PutObject, or a multipart upload from `tuning.multipartThreshold` bytes. */
export async function uploadFile(req: UploadRequest): Promise<UploadResult> {
  return req.file.size >= req.tuning.multipartThreshold ? uploadMultipart(req) : uploadSingle(req);
}

async function uploadSingle(req: UploadRequest): Promise<UploadResult> {
  const { target, file } = req;
  let retries = 0;
  const r = await withRetry(
    () =>
      target.s3.send(
        new PutObjectCommand({
          ...objectParams(target, file.path),
          Body: file.body,
          ContentType: contentTypeOf(file.path),
          ChecksumSHA256: sha256Base64(file.body),
          Metadata: { [SHA256_METADATA]: file.sha256 },
        }),
      ),
    target.policy,
    () => retries++,
  );
  req.onBytes?.(file.size);
  return { versionId: r.VersionId, etag: r.ETag ?? "", multipart: false, retries };
}

async function uploadMultipart(req: UploadRequest): Promise<UploadResult> {
  const { target, file, tuning } = req;
  const { s3, policy } = target;
  const object = objectParams(target, file.path);
  let retries = 0;
  const onRetry = () => retries++;
  const created = await withRetry(
    () =>
      s3.send(
        new CreateMultipartUploadCommand({
          ...object,
          ContentType: contentTypeOf(file.path),
          ChecksumAlgorithm: "SHA256",
          Metadata: { [SHA256_METADATA]: file.sha256 },
        }),
      ),
    policy,
    onRetry,
  );
  const uploadId = created.UploadId!;
  try {
    const numbers = Array.from({ length: Math.ceil(file.size / tuning.partSize) }, (_, i) => i + 1);
    const parts = await runPool(numbers, tuning.partConcurrency, async (n): Promise<CompletedPart> => {
      const body = file.body.subarray((n - 1) * tuning.partSize, n * tuning.partSize);
      const checksum = sha256Base64(body);
      const r = await withRetry(
        () =>
          s3.send(
            new UploadPartCommand({
              ...object,
              UploadId: uploadId,
              PartNumber: n,
              Body: body,
              ChecksumSHA256: checksum,
            }),
          ),
        policy,
        onRetry,
      );
      req.onBytes?.(body.length);
      return { PartNumber: n, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 ?? checksum };
    });
    if (parts.failed.length > 0) throw parts.failed[0]!.error;
    const completed = parts.done.map((d) => d.result).sort((a, b) => a.PartNumber! - b.PartNumber!);
    let attempts = 0;
    const done = await withRetry(
      async () => {
        attempts++;
        try {
          return await s3.send(
            new CompleteMultipartUploadCommand({
              ...object,
              UploadId: uploadId,
              MultipartUpload: { Parts: completed },
            }),
          );
        } catch (error) {
          // A retried Complete whose first try landed (response lost) finds no
          // upload any more; the object is then there with our hash.
          if (attempts > 1 && (error as { name?: string }).name === "NoSuchUpload") {
            const head = await headObject(target, file.path);
            if (head?.sha256 === file.sha256) return { VersionId: head.versionId, ETag: head.etag };
          }
          throw error;
        }
      },
      policy,
      onRetry,
    );
    return { versionId: done.VersionId, etag: done.ETag ?? "", multipart: true, retries };
  } catch (error) {
    // Incomplete multipart uploads are billed storage until aborted.
    await withRetry(() => s3.send(new AbortMultipartUploadCommand({ ...object, UploadId: uploadId })), policy).catch(
      () => undefined,
    );
    throw error;
  }
}
