/**
 * `GlueJobOperator` (+ `GlueJobSensor`). What the Amazon provider calls
 * (operators/glue.py, hooks/glue.py, sensors/glue.py; the same in 9.0.0 and 9.34.0):
 * - `initialize_job` → `get_or_create_glue_job` (pipegen never sets
 *   update_config): GetJob; when the job does not exist, CreateJob with the
 *   job's role, after resolving an `iam_role_name` with iam:GetRole. Then StartJobRun.
 * - waiting (operator or sensor, and the deferrable trigger): GetJobRun.
 * - verbose: `print_job_logs` → GetJobRun for the run's LogGroupName, then
 *   FilterLogEvents on `<LogGroupName>/output` and `<LogGroupName>/error`.
 *   Glue's default LogGroupName is `/aws-glue/jobs`; a job with a custom
 *   `--continuous-log-logGroup` writes elsewhere and is not covered.
 * - stop_job_run_on_kill and resume_glue_job_on_retry stay off (pipegen does
 *   not set them), so no BatchStopJobRun or GetJobRuns.
 */
import { s3UriParts } from "../../spec/s3-uri.js";
import type { Grant, IamStepBuilder } from "../model.js";
import { templatePattern } from "../s3-patterns.js";

/** Glue's default log group for job runs; the hook appends /output and /error. */
export const GLUE_JOB_LOG_GROUP = "/aws-glue/jobs";

export const glueJobGrants: IamStepBuilder<"glueJob"> = ({ step, index }, ctx) => {
  const to = { kind: "execution-role" } as const;
  const job = ctx.arns.glueJob(step.job);
  const waits = step.wait === "sensor" ? "GlueJobSensor polls" : "the operator polls";
  const grants: Grant[] = [
    {
      to,
      sid: ctx.sid(step, "RunJob"),
      explain: `GlueJobOperator checks job ${step.job} exists (GetJob) and starts it (StartJobRun); ${waits} the run (GetJobRun)`,
      actions: ["glue:GetJob", "glue:GetJobRun", "glue:StartJobRun"],
      resources: [job],
    },
  ];
  // Only a spec that gives the role lets the operator create the job (CreateJob needs a role); without
  // one the operator can only run an existing job, so the create path is granted only then.
  if (step.role) {
    const role = ctx.arns.iamRole(step.role);
    const byName = !step.role.startsWith("arn:");
    // GetRole by name returns the role with its path, and PassRole is checked on that ARN; a name says
    // nothing about the path (the Glue console puts roles under /service-role/), so both forms are granted.
    const roleResources = byName ? [role, ctx.arns.iamRoleAnyPath(step.role)] : [role];
    grants.push(
      {
        to,
        sid: ctx.sid(step, "CreateJob"),
        explain: `the operator creates job ${step.job} when it does not exist yet (it has a role to give it); never any other job`,
        actions: ["glue:CreateJob"],
        resources: [job],
      },
      {
        to,
        sid: ctx.sid(step, "PassJobRole"),
        explain: `creating the job hands it role ${byName ? `${step.role} (at any IAM path)` : role}, only to Glue`,
        actions: ["iam:PassRole"],
        resources: roleResources,
        condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
      },
    );
    if (byName) {
      grants.push({
        to,
        sid: ctx.sid(step, "ReadJobRole"),
        explain: `before creating the job, the hook looks up the ARN of role name ${step.role} (iam:GetRole); granted on role/${step.role} and role/*/${step.role}, which match only the role of that name (names are unique in an account) at any IAM path`,
        actions: ["iam:GetRole"],
        resources: roleResources,
      });
    }
    if (step.scriptLocation) {
      const { bucket, key } = s3UriParts(step.scriptLocation);
      const owner = ctx.resolved.pipeline.aws?.bucketOwners?.[bucket];
      if (byName && owner && owner !== ctx.arns.placement.account)
        ctx.missing(
          ["steps", index, "role"],
          `is a role name, but bucket ${bucket} belongs to account ${owner}, whose bucket policy must name the role's exact ARN (with its path): give role as an ARN`,
        );
      grants.push({
        to: { kind: "glue-role", roleArn: role },
        bucket,
        sid: ctx.sid(step, "ReadScript"),
        explain: `Glue reads the job script ${step.scriptLocation} as the job's role`,
        actions: ["s3:GetObject"],
        resources: [ctx.arns.s3Object(bucket, templatePattern(key))],
      });
    }
  }
  ctx.note(
    `${ctx.resolved.pipeline.id}.${step.id}: what Glue job ${step.job} reads and writes is up to its script; grant its role those paths yourself`,
  );
  if (step.verbose) {
    grants.push({
      to,
      sid: ctx.sid(step, "ReadJobLogs"),
      explain: `verbose: ${step.wait === "sensor" ? "GlueJobSensor" : "the operator"} copies the run's driver logs into the task log (FilterLogEvents on ${GLUE_JOB_LOG_GROUP}/output and /error). Those two log groups hold the logs of every Glue job in the account and region, and IAM scopes FilterLogEvents to a log group, not a stream, so this role can read them all; leave verbose off where that matters`,
      actions: ["logs:FilterLogEvents"],
      resources: [ctx.arns.logGroup(`${GLUE_JOB_LOG_GROUP}/output`), ctx.arns.logGroup(`${GLUE_JOB_LOG_GROUP}/error`)],
    });
  }
  return grants;
};
