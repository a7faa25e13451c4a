/**
 * `RedshiftToS3Operator` (transfers/redshift_to_s3.py; 9.0.0 and 9.34.0).
 * - With redshift_data_api_kwargs it runs UNLOAD through the Data API
 *   (ExecuteStatement, see redshift-data.ts), using redshift_conn_id as the
 *   AWS connection; otherwise over the SQL connection, which calls no AWS API.
 * - Who writes to S3: when the AWS connection's extra has no `role_arn` (MWAA's
 *   aws_default has none), the operator takes this role's session credentials
 *   (`S3Hook.get_credentials()`) and puts them in UNLOAD's CREDENTIALS clause,
 *   so Redshift writes as the MWAA execution role, not as a namespace role.
 *   With `role_arn` in the extra it writes `aws_iam_role=<role_arn>` and
 *   Redshift assumes that role: `--unload-role`.
 * - UNLOAD needs GET, LIST and PUT on the target (Redshift Database Developer
 *   Guide, "Permissions to access other AWS resources"), and DELETE with CLEANPATH.
 * - The object names: with `table` and the default table_as_file_name=True the
 *   operator appends `/<table>_` to s3_key, so UNLOAD writes
 *   `<to>/<table>_0000_part_00...` (the renderer drops a trailing slash from
 *   `to` first: see unloadTarget); with `query` it writes `<to>0000_part_00...`.
 */

import { unloadTarget } from "../../render/steps/unload.js";
import type { UnloadStep } from "../../spec/steps/index.js";
import type { Grant, Grantee, IamStepBuilder } from "../model.js";
import { templatePattern } from "../s3-patterns.js";
import { dataApiGrants } from "./redshift-data.js";
import { listCondition } from "./s3-grants.js";

export const unloadGrants: IamStepBuilder<UnloadStep> = (step, ctx) => {
  const redshift = ctx.resolved.pipeline.connections.redshift!;
  // Same default as the renderer (render/steps/unload.ts): the Data API unless over a connection or turned off.
  const dataApi = !("connId" in redshift) && step.dataApi !== false;
  const grants: Grant[] = [];
  if (dataApi && !("connId" in redshift))
    grants.push(...dataApiGrants(step, redshift, false, "RedshiftToS3Operator", ctx));

  const { bucket, key } = unloadTarget(step);
  const writtenText = step.table ? `${key}/${step.table}_` : key;
  const written = templatePattern(writtenText);
  const cleanPath = step.options.some((o) => /^\s*CLEANPATH\s*$/i.test(o));
  if (step.options.some((o) => /\bKMS_KEY_ID\b|\bENCRYPTED\b/i.test(o)))
    ctx.note(
      `${ctx.resolved.pipeline.id}.${step.id}: UNLOAD encrypts with a KMS key; grant kms:GenerateDataKey on that key yourself (pipegen does not read the key from the options)`,
    );
  const to: Grantee = ctx.unloadRole ? { kind: "unload-role", roleArn: ctx.unloadRole } : { kind: "execution-role" };
  const who = ctx.unloadRole
    ? `Redshift assumes ${ctx.unloadRole} (aws_iam_role from the AWS connection's role_arn)`
    : "the operator hands this role's session credentials to UNLOAD";
  grants.push(
    {
      to,
      bucket,
      sid: ctx.sid(step, "WriteUnload"),
      explain: `${who}; UNLOAD writes s3://${bucket}/${writtenText}* and needs GET and PUT there${cleanPath ? ", and DELETE for CLEANPATH" : ""}`,
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
          : `UNLOAD lists its target prefix ${writtenText} (to find files it would overwrite); limited to that prefix`,
      actions: ["s3:ListBucket"],
      resources: [ctx.arns.s3Bucket(bucket)],
      ...(written === "" ? {} : { condition: listCondition([`${written}*`]) }),
    },
  );
  return grants;
};
