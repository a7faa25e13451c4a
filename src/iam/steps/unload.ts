/**
 * The `unload` step.
 * - Default form: pipegen's UNLOAD statement with `IAM_ROLE` runs like any
 *   Redshift statement (redshift-data.ts: the Data API for a workgroup or
 *   cluster, nothing from AWS over an Airflow connection). Redshift then
 *   assumes the step's `iamRole` and writes to S3 as that role, so the S3
 *   grants (and KMS, when the options name a key) go to that role, and the
 *   execution role gets none. UNLOAD needs GET, LIST and PUT on the target
 *   (Redshift Database Developer Guide, "Permissions to access other AWS
 *   resources"), and DELETE with CLEANPATH, which empties the prefix first.
 *   The role must trust redshift.amazonaws.com (index.ts writes that document).
 * - `legacyOperator`: `RedshiftToS3Operator` (transfers/redshift_to_s3.py;
 *   9.0.0 and 9.34.0). Without `role_arn` in the AWS connection's extra
 *   (MWAA's aws_default has none) it puts this role's session credentials
 *   (`S3Hook.get_credentials()`) into UNLOAD's CREDENTIALS clause, so Redshift
 *   writes as the MWAA execution role: the S3 grants go to that role.
 * Every object UNLOAD writes starts with the prefix of the step's resolved `target`.
 */

import type { ResolvedStep } from "../../resolve/index.js";
import { AWS_PATTERN } from "../../spec/common.js";
import { unloadOptions } from "../../spec/unload-options.js";
import type { Grant, Grantee, IamContext, IamStepBuilder } from "../model.js";
import { templatePattern } from "../s3-patterns.js";
import { dataApiGrants, statementGrants } from "./redshift-data.js";
import { listCondition } from "./s3-grants.js";

export const unloadGrants: IamStepBuilder<"unload"> = (resolved, ctx) => {
  const { step, redshift } = resolved;
  if (step.legacyOperator) {
    ctx.note(
      `${ctx.resolved.pipeline.id}.${step.id}: legacyOperator: RedshiftToS3Operator puts the AWS connection's session credentials into the UNLOAD statement (visible in Redshift's query history) unless the connection's extra names a role_arn; the execution role gets the S3 grants because it is the identity those credentials belong to`,
    );
    return [
      ...(redshift.via === "dataApi"
        ? dataApiGrants(step, redshift.connection, false, "RedshiftToS3Operator", ctx)
        : []),
      ...s3Grants(resolved, { kind: "execution-role" }, ctx),
    ];
  }
  const role = step.iamRole ?? "default";
  return [...statementGrants(resolved, 1, ctx), ...s3Grants(resolved, { kind: "redshift-role", roleArn: role }, ctx)];
};

function s3Grants({ step, index, target }: ResolvedStep<"unload">, to: Grantee, ctx: IamContext): Grant[] {
  const { bucket, prefix } = target;
  const written = templatePattern(prefix);
  const options = unloadOptions(step.options);
  const cleanPath = options.some((o) => o.kind === "cleanPath");
  const who =
    to.kind === "execution-role"
      ? "RedshiftToS3Operator hands this role's session credentials to UNLOAD"
      : `Redshift assumes ${to.roleArn === "default" ? "the default IAM role" : to.roleArn} for UNLOAD (IAM_ROLE)`;
  const owner = ctx.resolved.pipeline.aws?.bucketOwners?.[bucket];
  if (to.kind === "redshift-role" && to.roleArn === "default" && owner && owner !== ctx.arns.placement.account)
    ctx.missing(
      ["steps", index, "iamRole"],
      `is the default IAM role, but bucket ${bucket} belongs to account ${owner}, whose bucket policy must name the role: give iamRole as the role's ARN`,
    );
  const grants: Grant[] = [
    {
      to,
      bucket,
      sid: ctx.sid(step, "WriteUnload"),
      explain: `${who}; UNLOAD writes s3://${bucket}/${prefix}* and needs GET and PUT there${cleanPath ? ", and DELETE for CLEANPATH" : ""}`,
      actions: ["s3:GetObject", "s3:PutObject", ...(cleanPath ? ["s3:DeleteObject"] : [])],
      resources: [ctx.arns.s3Object(bucket, `${written}*`)],
    },
    {
      to,
      bucket,
      sid: ctx.sid(step, "ListUnload"),
      explain:
        written === ""
          ? "UNLOAD lists the bucket it writes to (to find files it would overwrite); the target is the bucket's root"
          : `UNLOAD lists its target prefix ${prefix} (to find files it would overwrite); limited to that prefix`,
      actions: ["s3:ListBucket"],
      resources: [ctx.arns.s3Bucket(bucket)],
      ...(written === "" ? {} : { condition: listCondition([`${written}*`]) }),
    },
  ];
  const kms = options.find((o) => o.kind === "kmsKey");
  const region = options.find((o) => o.kind === "region")?.region ?? ctx.arns.placement.region;
  if (kms && kms.kind === "kmsKey") {
    const key = kmsKeyArn(kms.key, region, ctx);
    if (key)
      grants.push({
        to,
        sid: ctx.sid(step, "UnloadKey"),
        explain: `UNLOAD encrypts what it writes with KMS key ${kms.key} (SSE-KMS: GenerateDataKey per object, Decrypt to complete multipart uploads), only through S3`,
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [key],
        condition: { StringEquals: { "kms:ViaService": `s3.${region}.${ctx.arns.dnsSuffix}` } },
      });
    else
      ctx.note(
        `${ctx.resolved.pipeline.id}.${step.id}: KMS_KEY_ID '${kms.key}' is an alias, which IAM cannot grant on: name the key by id or ARN, or grant kms:GenerateDataKey and kms:Decrypt on it yourself`,
      );
  } else if (options.some((o) => o.kind === "encrypted"))
    ctx.note(
      `${ctx.resolved.pipeline.id}.${step.id}: ENCRYPTED without KMS_KEY_ID uses the bucket's default encryption; if that is a customer managed KMS key, grant the UNLOAD role kms:GenerateDataKey and kms:Decrypt on it`,
    );
  return grants;
}

const KMS_KEY_ARN = new RegExp(
  `^arn:${AWS_PATTERN.partition}:kms:${AWS_PATTERN.region}:${AWS_PATTERN.account}:key/[0-9a-f-]+$`,
);

/** A KMS key id or key ARN as an ARN; undefined for an alias. */
function kmsKeyArn(key: string, region: string, ctx: IamContext): string | undefined {
  if (KMS_KEY_ARN.test(key)) return key;
  if (/^(mrk-)?[0-9a-f-]{32,36}$/.test(key))
    return `arn:${ctx.arns.partition}:kms:${region}:${ctx.arns.placement.account}:key/${key}`;
  return undefined;
}
