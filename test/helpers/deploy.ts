/** Helpers for deploy tests: buckets on the local S3 server, bundle folders, and what the bucket holds. */

import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { uploadClassOf } from "../../src/deploy/bundle.js";
import {
  isRunnerArchivePath,
  type RunnerReference,
  STARTUP_VARIABLES,
  startupAssignments,
} from "../../src/runner/location.js";
import type { LoggedRequest } from "./s3-proxy.js";

let bucketCounter = 0;

/** A fresh bucket per test, so tests never see each other's objects. */
export async function makeBucket(s3: S3Client, versioned = true): Promise<string> {
  const name = `deploy-test-${process.pid}-${++bucketCounter}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioned)
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
  return name;
}

export type BundleSpec = Record<string, string | Buffer>;

/** Writes a bundle folder laid out like `pipegen render` output. */
export async function writeBundleDir(dir: string, files: BundleSpec): Promise<string> {
  for (const [p, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), content);
  }
  return dir;
}

/** The lines of startup.sh that name the XTable runner archive. */
const RUNNER_LINES = new RegExp(`^(?:${Object.values(STARTUP_VARIABLES).join("|")})=.*\n`, "gm");

/**
 * The bundle with a startup.sh that names no XTable runner archive, as a
 * pipegen before the runner shipped rendered it: for the deploy tests that
 * are about everything else (they then need no runner, nor a 128 MB upload).
 * test/deploy-runner.test.ts deploys the runner.
 */
export function withoutRunner(files: BundleSpec): BundleSpec {
  const startup = String(files["startup.sh"]);
  if (startup.match(RUNNER_LINES)?.length !== 3) throw new Error("startup.sh does not name a runner archive");
  return { ...files, "startup.sh": startup.replace(RUNNER_LINES, "") };
}

/** The bundle with a startup.sh that names this runner archive instead of the one it names. */
export function withRunner(files: BundleSpec, ref: RunnerReference): BundleSpec {
  const startup = String(files["startup.sh"]);
  const lines = startup.match(RUNNER_LINES);
  if (lines?.length !== 3) throw new Error("startup.sh does not name a runner archive");
  return { ...files, "startup.sh": startup.replace(lines.join(""), `${startupAssignments(ref)}\n`) };
}

/**
 * Copies the example specs (pipelines/) into `dir`/pipelines, with their
 * xtableRunner naming this bucket and prefix: what a user who deploys there writes.
 */
export async function examplesDeployingTo(root: string, dir: string, bucket: string, prefix = ""): Promise<void> {
  await cp(path.join(root, "pipelines"), path.join(dir, "pipelines"), { recursive: true });
  for (const name of await readdir(path.join(dir, "pipelines"))) {
    const file = path.join(dir, "pipelines", name);
    const text = await readFile(file, "utf8");
    const place = `xtableRunner:\n  bucket: ${bucket}\n${prefix ? `  prefix: ${prefix}\n` : ""}`;
    await writeFile(file, text.replace("xtableRunner:\n  bucket: prod-mwaa-source\n", place));
  }
}

export const sha256 = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

/** Every current object under the prefix: its content hash and version id. */
export async function bucketContents(
  s3: S3Client,
  bucket: string,
  prefix = "",
): Promise<Map<string, { sha256: string; versionId: string; metadata: Record<string, string> }>> {
  const out = new Map<string, { sha256: string; versionId: string; metadata: Record<string, string> }>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      out.set(o.Key!.slice(prefix.length), {
        sha256: sha256(body),
        versionId: got.VersionId!,
        metadata: got.Metadata ?? {},
      });
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}

/** The latest version id of a key, straight from the server's version list. */
export async function latestVersionId(s3: S3Client, bucket: string, key: string): Promise<string> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  const latest = (r.Versions ?? []).find((v) => v.Key === key && v.IsLatest);
  if (!latest?.VersionId) throw new Error(`no latest version of ${key}`);
  return latest.VersionId;
}

/** Requests of one bucket, without the ones the test itself made for setup. */
export const requestsTo = (log: readonly LoggedRequest[], bucket: string) => log.filter((r) => r.bucket === bucket);

/**
 * Upload order, checked from the server's log: every successful upload of a
 * class finished before any upload of a later class started, and the
 * manifest came last.
 */
export function assertUploadOrder(log: readonly LoggedRequest[], prefix = ""): void {
  const puts = log.filter(
    (r) =>
      r.op === "PutObject" ||
      r.op === "CreateMultipartUpload" ||
      r.op === "UploadPart" ||
      r.op === "CompleteMultipartUpload",
  );
  // Runner archives land before the rest of class 1 (startup.sh names them): class 0.5 here.
  const classOf = (r: LoggedRequest) => {
    const p = r.key.slice(prefix.length);
    return p.startsWith(".pipegen/") ? 5 : isRunnerArchivePath(p) ? 0.5 : uploadClassOf(p);
  };
  for (const later of puts)
    for (const earlier of puts) {
      if (classOf(earlier) >= classOf(later)) continue;
      // `earlier` belongs to an earlier class: it must have ended (or never succeeded) before `later` began.
      if (
        earlier.status !== undefined &&
        earlier.status < 300 &&
        !earlier.fault &&
        (earlier.end ?? Infinity) > later.seq
      )
        throw new Error(
          `${earlier.op} ${earlier.key} (class ${classOf(earlier)}) was still in flight when ${later.op} ${later.key} (class ${classOf(later)}) started`,
        );
    }
}
