/**
 * The Redshift Data API, as `RedshiftDataOperator` and `RedshiftToS3Operator`
 * (with redshift_data_api_kwargs) call it through `RedshiftDataHook`
 * (hooks/redshift_data.py, operators/redshift_data.py; 9.0.0 and 9.34.0):
 * - `execute_query`: ExecuteStatement, or BatchExecuteStatement for a list of
 *   statements; then `wait_for_results` polls DescribeStatement.
 * - GetStatementResult only with return_sql_result=True, which pipegen never sets.
 * How the Data API authenticates decides the rest (Redshift Data API
 * reference, ExecuteStatement; Management Guide, "Configuring IAM permissions"):
 * - secret_arn: the caller needs secretsmanager:GetSecretValue on the secret;
 * - a workgroup without a secret: redshift-serverless:GetCredentials;
 * - a cluster with db_user: redshift:GetClusterCredentials on that user and database;
 * - a cluster with neither: redshift:GetClusterCredentialsWithIAM on the database.
 * Over an Airflow connection (`{ connId }`) no AWS API is called.
 */
import type { ResolvedRedshiftStep } from "../../resolve/index.js";
import type { DataApiConnection } from "../../spec/pipeline.js";
import type { Step } from "../../spec/steps/index.js";
import type { Grant, IamContext } from "../model.js";

/** Grants for one Data API task; `batch` when it sends a list of statements. */
export function dataApiGrants(
  step: Step,
  redshift: DataApiConnection,
  batch: boolean,
  operator: string,
  ctx: IamContext,
): Grant[] {
  const to = { kind: "execution-role" } as const;
  const grants: Grant[] = [];
  let target: string | undefined;
  if ("workgroup" in redshift) {
    if (redshift.workgroupId) target = ctx.arns.serverlessWorkgroup(redshift.workgroupId);
    else
      ctx.missing(
        ["connections", "redshift"],
        `needs workgroupId for pipegen iam: IAM names Redshift Serverless workgroup "${redshift.workgroup}" by its id, not its name (aws redshift-serverless get-workgroup --workgroup-name ${redshift.workgroup} --query workgroup.workgroupId)`,
      );
  } else target = ctx.arns.redshiftCluster(redshift.cluster);
  const where = "workgroup" in redshift ? `workgroup ${redshift.workgroup}` : `cluster ${redshift.cluster}`;
  if (target)
    grants.push({
      to,
      sid: ctx.sid(step, "RunSql"),
      explain: `the Data API runs the step's SQL${operator === "RedshiftToS3Operator" ? " (UNLOAD)" : ""} on ${where} (${batch ? "BatchExecuteStatement, for a list of statements" : "ExecuteStatement"})`,
      actions: [batch ? "redshift-data:BatchExecuteStatement" : "redshift-data:ExecuteStatement"],
      resources: [target],
    });
  // RedshiftDataOperator.on_kill cancels the statement when Airflow kills the task (execution_timeout,
  // a user marking it failed); without CancelStatement it keeps running and a retry starts it again beside it.
  const cancels = operator === "RedshiftDataOperator";
  grants.push({
    to,
    sid: ctx.sid(step, "SqlStatus"),
    explain: `waits for the statement (DescribeStatement)${cancels ? " and cancels it when the task is killed (CancelStatement, from on_kill)" : ""}, which IAM cannot scope to a cluster; only statements this role started`,
    actions: ["redshift-data:DescribeStatement", ...(cancels ? ["redshift-data:CancelStatement"] : [])],
    resources: ["*"],
    condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
  });
  const secretRegion = redshift.secretArn?.split(":")[3];
  if (secretRegion && secretRegion !== ctx.arns.placement.region)
    ctx.note(
      `warning: ${ctx.resolved.pipeline.id}: connections.redshift.secretArn is in ${secretRegion}, but the pipelines run in ${ctx.arns.placement.region}; the Data API reads the secret in the region of the workgroup or cluster, so a secret elsewhere fails at run time (copy it, or check --region)`,
    );
  if (redshift.secretArn) {
    grants.push({
      to,
      sid: ctx.sid(step, "ReadSecret"),
      explain: `the Data API signs in with secret ${redshift.secretArn} on this role's behalf (GetSecretValue on that secret only)`,
      actions: ["secretsmanager:GetSecretValue"],
      resources: [redshift.secretArn],
    });
  } else if ("workgroup" in redshift) {
    if (target)
      grants.push({
        to,
        sid: ctx.sid(step, "DbCredentials"),
        explain: `no secretArn: the Data API signs in to ${where} as this role (redshift-serverless:GetCredentials), as database user IAMR:<role name>`,
        actions: ["redshift-serverless:GetCredentials"],
        resources: [target],
      });
  } else if ("dbUser" in redshift && redshift.dbUser) {
    grants.push({
      to,
      sid: ctx.sid(step, "DbCredentials"),
      explain: `no secretArn: the Data API gets temporary credentials for database user ${redshift.dbUser} in ${redshift.database} (redshift:GetClusterCredentials)`,
      actions: ["redshift:GetClusterCredentials"],
      resources: [
        ctx.arns.redshiftDbUser(redshift.cluster, redshift.dbUser),
        ctx.arns.redshiftDbName(redshift.cluster, redshift.database),
      ],
    });
  } else {
    grants.push({
      to,
      sid: ctx.sid(step, "DbCredentials"),
      explain: `no secretArn or dbUser: the Data API signs in to database ${redshift.database} as this role (redshift:GetClusterCredentialsWithIAM)`,
      actions: ["redshift:GetClusterCredentialsWithIAM"],
      resources: [ctx.arns.redshiftDbName(redshift.cluster, redshift.database)],
    });
  }
  return grants;
}

/** Grants of a step that runs SQL statements: the Data API, or nothing over an Airflow connection. */
export function statementGrants(
  { step, redshift }: ResolvedRedshiftStep,
  statementCount: number,
  ctx: IamContext,
): Grant[] {
  if (redshift.via === "connection") {
    ctx.note(
      `${ctx.resolved.pipeline.id}.${step.id}: runs SQL over Airflow connection ${redshift.connId} (SQLExecuteQueryOperator), which calls no AWS API; its credentials live in the connection`,
    );
    return [];
  }
  return dataApiGrants(step, redshift.connection, statementCount > 1, "RedshiftDataOperator", ctx);
}
