/** BucketTarget: the keys and request parameters every S3 call of a deploy builds from it. */
import type { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type BucketTarget, bucketParams, keyOf, objectParams, pathOf, s3Url } from "../../src/deploy/bucket-target.js";
import { DEFAULT_RETRY_POLICY } from "../../src/deploy/retry.js";

const target = (prefix: string): BucketTarget => ({
  // The helpers never send a request; a real client would only make the SDK print its Node version notice.
  s3: {} as S3Client,
  bucket: "mwaa-bucket",
  prefix,
  policy: DEFAULT_RETRY_POLICY,
});

describe("BucketTarget", () => {
  it.each([
    // prefix, bundle path, key
    ["", "dags/a.py", "dags/a.py"],
    ["team-a/", "dags/a.py", "team-a/dags/a.py"],
    ["team-a/mwaa/", "requirements.txt", "team-a/mwaa/requirements.txt"],
    ["team-a/", "", "team-a/"],
  ])("prefix %j: %j is key %j, and back", (prefix, path, key) => {
    const t = target(prefix);
    expect(keyOf(t, path)).toBe(key);
    expect(pathOf(t, key)).toBe(path);
    expect(objectParams(t, path)).toEqual({ Bucket: "mwaa-bucket", Key: key });
    expect(s3Url(t, path)).toBe(`s3://mwaa-bucket/${key}`);
  });

  it("names only the bucket in bucket-level requests", () => {
    expect(bucketParams(target("team-a/"))).toEqual({ Bucket: "mwaa-bucket" });
  });
});
