/**
 * Delta tables in moto's S3 for the XTable tests: written locally by the
 * fixture builders, then uploaded object by object, as a lake on S3 holds them.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { MOTO_AWS_ENV, type MotoServer } from "./moto.js";

/** A client for moto's S3 with its dummy credentials. */
export function motoS3(moto: MotoServer): S3Client {
  // The SDK's notice that its 2027 releases need Node 22 says nothing about the test.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: moto.endpoint,
    region: MOTO_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: MOTO_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
}

/** The environment that points every AWS client (the runner's S3A and S3FileIO, pipegen's SDK, boto3) at moto. */
export function motoEnv(moto: MotoServer): Record<string, string> {
  return { ...MOTO_AWS_ENV, AWS_ENDPOINT_URL: moto.endpoint };
}

function split(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]!.replace(/\/$/, "") };
}

/** Creates the bucket unless it exists. */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== "BucketAlreadyOwnedByYou" && (error as Error).name !== "BucketAlreadyExists")
      throw error;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

/**
 * Uploads every file under a local folder to `uri` (`s3://bucket/prefix`),
 * keeping relative paths. With `only`, just the files it accepts.
 * @returns the keys written
 */
export async function uploadFolder(
  s3: S3Client,
  dir: string,
  uri: string,
  only: (relativePath: string) => boolean = () => true,
): Promise<string[]> {
  const { bucket, key } = split(uri);
  await ensureBucket(s3, bucket);
  const keys: string[] = [];
  for (const file of await filesUnder(dir)) {
    const rel = relative(dir, file);
    if (!only(rel)) continue;
    const target = key ? `${key}/${rel}` : rel;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: await readFile(file) }));
    keys.push(target);
  }
  return keys;
}

/** Every key under `uri` (a prefix), sorted. */
export async function listKeys(s3: S3Client, uri: string): Promise<string[]> {
  const { bucket, key } = split(uri);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key ? `${key}/` : "", ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** Deletes one object, named by its `s3://bucket/key` URI. */
export async function deleteObject(s3: S3Client, uri: string): Promise<void> {
  const { bucket, key } = split(uri);
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
