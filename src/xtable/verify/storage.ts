/**
 * Where `pipegen xtable verify` reads a table's files from: a local folder, or
 * an S3 prefix. Production tables live in S3 (MWAA syncs them there), so the
 * same checks must run on `s3://bucket/prefix/table` as on a local folder.
 *
 * Locations are plain strings: absolute local paths, or `s3://bucket/key`
 * URIs (`s3a://` and `s3n://`, Hadoop's names for the same objects, are read
 * as `s3://`). S3 is reached with the AWS SDK's standard chain for
 * credentials (environment, profile, web identity, container and instance
 * credentials) and region; `AWS_ENDPOINT_URL` or `AWS_ENDPOINT_URL_S3` point
 * it at a local server.
 *
 * Errors for something that is not there carry the code `ENOENT`, as Node's
 * file system errors do, so that callers tell "missing" from "unreadable" the
 * same way for both kinds of storage.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, normalize, resolve } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { DeltaTableError } from "../errors.js";
import { canonicalS3, isS3Location, s3BucketAndKey, stripFileScheme } from "./paths.js";

/** What is at a location. */
export type EntryKind = "folder" | "file" | "missing";

/** The files of one table, local or in S3. */
export interface TableStorage {
  /** The table root as reports name it: an absolute path, or `s3://bucket/prefix` without a trailing slash. */
  readonly root: string;
  /** `dir/name/...`, in this storage's syntax. */
  join(dir: string, ...names: string[]): string;
  /** Whether a location is a folder (a prefix with objects under it, in S3), a file, or nothing. */
  kind(location: string): Promise<EntryKind>;
  /**
   * The names directly under a folder: files and sub-folders.
   * @throws an error with code ENOENT when there is no such folder
   */
  list(dir: string): Promise<string[]>;
  /**
   * A whole file.
   * @throws an error with code ENOENT when there is no such file
   */
  read(location: string): Promise<Buffer>;
}

const ANY_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * The storage that holds the table at `location`: a local path or `file:` URI,
 * or an S3 URI.
 * @throws {DeltaTableError} for any other URI scheme, naming the ones supported
 */
export function storageFor(location: string, options: { s3?: () => S3Client } = {}): TableStorage {
  if (isS3Location(location)) {
    const root = canonicalS3(location);
    const { bucket, key } = s3BucketAndKey(root);
    if (key === "")
      throw new DeltaTableError(
        `${location} names a whole bucket; give the table's prefix, e.g. s3://${bucket}/path/to/table (the folder that holds _delta_log).`,
      );
    return new S3Storage(root, options.s3 ?? defaultS3Client);
  }
  const scheme = ANY_SCHEME.exec(location)?.[1];
  if (scheme && scheme.toLowerCase() !== "file")
    throw new DeltaTableError(
      `${location}: ${scheme}:// tables are not supported; pipegen xtable verify reads a local folder (a path or a file: URI) or an S3 prefix (s3://bucket/prefix/table).`,
    );
  return new LocalStorage(resolve(stripFileScheme(location)));
}

class LocalStorage implements TableStorage {
  constructor(readonly root: string) {}

  join(dir: string, ...names: string[]): string {
    return join(dir, ...names);
  }

  async kind(location: string): Promise<EntryKind> {
    try {
      return (await stat(location)).isDirectory() ? "folder" : "file";
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
      throw error;
    }
  }

  list(dir: string): Promise<string[]> {
    return readdir(dir);
  }

  read(location: string): Promise<Buffer> {
    return readFile(normalize(location));
  }
}

/** An S3 error as a Node-style error: code ENOENT for a missing key or bucket, else the S3 error name. */
class S3ReadError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

let sharedClient: S3Client | undefined;
let S3: typeof import("@aws-sdk/client-s3") | undefined;

/** The SDK module, loaded on first use: local verifies never pay for it. */
async function sdk(): Promise<typeof import("@aws-sdk/client-s3")> {
  S3 ??= await import("@aws-sdk/client-s3");
  return S3;
}

function defaultS3Client(): S3Client {
  // pipegen supports Node 20 (package.json engines); the SDK's notice about its
  // own future releases is not something a pipegen user can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // The SDK's own chain resolves credentials, region and AWS_ENDPOINT_URL(_S3);
  // followRegionRedirects reaches a bucket in another region than the configured one.
  sharedClient ??= new S3!.S3Client({ followRegionRedirects: true });
  return sharedClient;
}

class S3Storage implements TableStorage {
  private client: S3Client | undefined;

  constructor(
    readonly root: string,
    private readonly makeClient: () => S3Client,
  ) {}

  join(dir: string, ...names: string[]): string {
    return canonicalS3([dir, ...names].join("/"));
  }

  async kind(location: string): Promise<EntryKind> {
    const { bucket, key } = s3BucketAndKey(location);
    const s3 = await this.sdkClient();
    const under = await this.call(() =>
      s3.client.send(new s3.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: `${key}/`, MaxKeys: 1 })),
    );
    if ((under.KeyCount ?? 0) > 0) return "folder";
    try {
      await this.call(() => s3.client.send(new s3.sdk.HeadObjectCommand({ Bucket: bucket, Key: key })));
      return "file";
    } catch (error) {
      if ((error as S3ReadError).code === "ENOENT") return "missing";
      throw error;
    }
  }

  async list(dir: string): Promise<string[]> {
    const { bucket, key } = s3BucketAndKey(dir);
    const prefix = `${key}/`;
    const s3 = await this.sdkClient();
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        s3.client.send(
          new s3.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/", ContinuationToken: token }),
        ),
      );
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(prefix.length, -1));
      // A key equal to the prefix is a "folder" marker some tools write, not a file.
      for (const o of page.Contents ?? []) if (o.Key && o.Key !== prefix) names.push(o.Key.slice(prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (names.length === 0) throw new S3ReadError("no object is under it", "ENOENT");
    return names;
  }

  async read(location: string): Promise<Buffer> {
    const { bucket, key } = s3BucketAndKey(location);
    const s3 = await this.sdkClient();
    const object = await this.call(() => s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: key })));
    if (!object.Body) throw new S3ReadError("S3 returned no body", "EIO");
    return Buffer.from(await object.Body.transformToByteArray());
  }

  private async sdkClient() {
    const module = await sdk();
    this.client ??= this.makeClient();
    return { sdk: module, client: this.client };
  }

  /** Runs one S3 request; its failure becomes an S3ReadError that says what to check. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw describeS3Error(error);
    }
  }
}

/**
 * A one-line reason for a failed S3 request, with a hint where the cause is a
 * common setup problem. Callers name the location; the reason does not repeat it.
 */
function describeS3Error(error: unknown): S3ReadError {
  const e = error as Error & { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? "Error";
  const status = e?.$metadata?.httpStatusCode;
  const text = (e?.message ?? String(error)).replace(/\s+/g, " ").replace(/\.\s*$/, "");
  if (name === "NoSuchBucket") return new S3ReadError("its bucket does not exist", "ENOENT");
  if (name === "NoSuchKey" || name === "NotFound" || status === 404)
    return new S3ReadError("it does not exist", "ENOENT");
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(text))
    return new S3ReadError(
      "no AWS credentials found; give them the usual AWS way: environment variables, a profile (AWS_PROFILE), or the role of the machine or container",
      "ECREDENTIALS",
    );
  if (/Region is missing/i.test(text)) return new S3ReadError("no AWS region is configured; set AWS_REGION", "EREGION");
  if (name === "AccessDenied" || name === "Forbidden" || status === 403)
    return new S3ReadError(
      `access denied (${text}); reading a table needs s3:ListBucket and s3:GetObject on it`,
      "EACCES",
    );
  return new S3ReadError(`${name}: ${text}${status ? ` (HTTP ${status})` : ""}`, e?.code ?? "EIO");
}
