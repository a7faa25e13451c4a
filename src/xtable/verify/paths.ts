/**
 * File path normalisation, so that the Delta log's and Iceberg's ways of
 * naming the same data file compare equal.
 *
 * - Delta log paths are URIs (Delta protocol, "Add File"): relative to the
 *   table root, or absolute (`file:/…`, `file:///…`), and percent-encoded
 *   once on top of whatever escaping the writer put in the folder name.
 *   `region=north%2520east/part-0.parquet` in the log is the folder
 *   `region=north%20east` on disk. They are decoded exactly once.
 * - Iceberg file paths are locations handed to a FileIO as they are: Java's
 *   HadoopFileIO (what XTable uses) builds `new Path(location)`, which keeps
 *   `%` literally, so they are NOT decoded; only the `file:` scheme is removed.
 */
import { isAbsolute, normalize, resolve } from "node:path";

/** Removes a `file:` scheme (`file:/x`, `file:///x`, `file://localhost/x`) and returns the path part. */
export function stripFileScheme(location: string): string {
  if (!location.startsWith("file:")) return location;
  let rest = location.slice("file:".length);
  if (rest.startsWith("//")) {
    rest = rest.slice(2);
    const slash = rest.indexOf("/");
    // `file:///x` has an empty authority; `file://localhost/x` names this host.
    rest = slash < 0 ? "/" : rest.slice(slash);
  }
  return rest;
}

/** `s3://`, and Hadoop's `s3a://` and `s3n://` for the same objects: the bucket, then the key with its leading slash. */
const S3_LOCATION = /^s3[an]?:\/\/([^/]+)(\/.*)?$/;

/** True for locations in S3 (`s3://`, `s3a://`, `s3n://`). */
export function isS3Location(location: string): boolean {
  return S3_LOCATION.test(location);
}

/** The bucket and key of an S3 location (the key without leading slashes; "" for the bucket itself). */
export function s3BucketAndKey(location: string): { bucket: string; key: string } {
  const m = S3_LOCATION.exec(location);
  if (!m) throw new Error(`not an S3 location: ${location}`);
  return { bucket: m[1]!, key: (m[2] ?? "").replace(/^\/+/, "") };
}

/** An S3 location as `s3://bucket/key`: the scheme made `s3`, "." and ".." resolved, no repeated or trailing slash. */
export function canonicalS3(location: string): string {
  if (!isS3Location(location)) return location;
  const { bucket, key } = s3BucketAndKey(location);
  const parts: string[] = [];
  for (const segment of key.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") parts.pop();
    else parts.push(segment);
  }
  return `s3://${bucket}${parts.length > 0 ? `/${parts.join("/")}` : ""}`;
}

/** True for `s3://bucket/x`, `gs://…`, `abfss://…`: anything with a non-file scheme. */
export function hasRemoteScheme(location: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(location) && !location.startsWith("file:");
}

/**
 * The absolute local path of a Delta log path (an `add`/`remove` action's
 * `path`), decoded once.
 * @throws {URIError} when the path is not valid percent-encoding
 */
export function deltaFilePath(tableRoot: string, logPath: string): string {
  if (hasRemoteScheme(logPath)) return remote(logPath);
  const decoded = decodeURIComponent(stripFileScheme(logPath));
  return underRoot(tableRoot, decoded);
}

/** The absolute local path of an Iceberg file location (`file:` removed, not decoded). */
export function icebergFilePath(tableRoot: string, location: string): string {
  if (hasRemoteScheme(location)) return remote(location);
  return underRoot(tableRoot, stripFileScheme(location));
}

/** A relative path under the table root; an absolute one as it is (local roots only). */
function underRoot(tableRoot: string, path: string): string {
  if (isS3Location(tableRoot)) return canonicalS3(`${tableRoot}/${path}`);
  return normalize(isAbsolute(path) ? path : resolve(tableRoot, path));
}

/** A remote location, with S3's three scheme names made one so that Delta's and Iceberg's compare equal. */
function remote(location: string): string {
  return isS3Location(location) ? canonicalS3(location) : location;
}

/** A path relative to the table root for reports, or the path itself when outside it. */
export function displayPath(tableRoot: string, absolute: string): string {
  const root = tableRoot.endsWith("/") ? tableRoot : `${tableRoot}/`;
  return absolute.startsWith(root) ? absolute.slice(root.length) : absolute;
}
