/**
 * `S3KeySensor` (Amazon provider sensors/s3.py; the same calls in 9.0.0 and
 * 9.34.0, and in its deferrable trigger, triggers/s3.py):
 * - wildcard_match: `list_objects_v2(Prefix=<key up to its first wildcard>)`
 *   and fnmatch on the keys. The default metadata_keys (["Size"]) come from
 *   the listing, so no object is read.
 * - exact key: `head_object(key)`, which needs s3:GetObject. For a key that is
 *   not there yet, S3 answers 404 only to a caller that may list the bucket,
 *   and 403 otherwise (S3 API reference, HeadObject); the hook treats 404 as
 *   "not yet" and re-raises 403, so without s3:ListBucket the sensor fails
 *   instead of poking again. S3 evaluates that implicit list check with the
 *   object key as s3:prefix (ceph/ceph#68577 mirrors this behaviour), so the
 *   grant is limited to the key itself.
 */
import type { IamStepBuilder } from "../model.js";
import { listingPrefixText, templatePattern, wildcardListingPrefix } from "../s3-patterns.js";
import { listCondition } from "./s3-grants.js";

export const s3SensorGrants: IamStepBuilder<"s3Sensor"> = ({ step, wildcard }, ctx) => {
  const { bucket } = step;
  const to = { kind: "execution-role" } as const;
  if (wildcard) {
    const prefix = wildcardListingPrefix(step.key);
    if (prefix === "")
      return [
        {
          to,
          bucket,
          sid: ctx.sid(step, "ListBucket"),
          explain: `S3KeySensor lists all of s3://${bucket}: the key starts with a wildcard, so there is no prefix to limit the listing to`,
          actions: ["s3:ListBucket"],
          resources: [ctx.arns.s3Bucket(bucket)],
        },
      ];
    return [
      {
        to,
        bucket,
        sid: ctx.sid(step, "ListPrefix"),
        explain: `S3KeySensor lists s3://${bucket}/${listingPrefixText(step.key)} (the key up to its first wildcard) and matches keys with fnmatch; sizes come with the listing, so no object is read`,
        actions: ["s3:ListBucket"],
        resources: [ctx.arns.s3Bucket(bucket)],
        condition: listCondition([prefix]),
      },
    ];
  }
  const key = templatePattern(step.key);
  return [
    {
      to,
      bucket,
      sid: ctx.sid(step, "HeadKey"),
      explain: `S3KeySensor calls HeadObject on s3://${bucket}/${step.key}, which needs s3:GetObject on that key only`,
      actions: ["s3:GetObject"],
      resources: [ctx.arns.s3Object(bucket, key)],
    },
    {
      to,
      bucket,
      sid: ctx.sid(step, "ListKey"),
      explain: `lets HeadObject answer 404 rather than 403 while the key is missing, so the sensor pokes again instead of failing; limited to that key as prefix`,
      actions: ["s3:ListBucket"],
      resources: [ctx.arns.s3Bucket(bucket)],
      condition: listCondition([key]),
    },
  ];
};
