/** S3 statement pieces several step kinds share. */
import type { Condition } from "../model.js";
import { hasWildcard } from "../s3-patterns.js";

/** Limits s3:ListBucket to these prefixes: StringEquals when all are exact, StringLike otherwise. */
export function listCondition(prefixes: readonly string[]): Condition {
  const values = prefixes.length === 1 ? prefixes[0]! : [...prefixes];
  return prefixes.some(hasWildcard)
    ? { StringLike: { "s3:prefix": values } }
    : { StringEquals: { "s3:prefix": values } };
}

/**
 * A "folder" read the way S3A and Glue read one: the key itself (the
 * file-or-directory probe) and everything under it. An empty key is the
 * whole bucket.
 */
export function folderPatterns(keyPattern: string): { objects: string[]; prefixes: string[] | undefined } {
  const key = keyPattern.replace(/\/+$/, "");
  if (key === "") return { objects: ["*"], prefixes: undefined };
  return { objects: [key, `${key}/*`], prefixes: [key, `${key}/*`] };
}
