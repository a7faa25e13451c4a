/** `s3://bucket/key` URIs as specs write them (the schema's `s3Uri` checks them). */

/** The bucket and key of an `s3://` URI (the key without its leading slash; may be empty), or undefined for anything else, e.g. a local path. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** The bucket and key of a URI the schema has checked to be `s3://`. */
export function s3UriParts(uri: string): { bucket: string; key: string } {
  const parts = parseS3Uri(uri);
  if (!parts) throw new Error(`not an s3:// URI: ${uri}`);
  return parts;
}
