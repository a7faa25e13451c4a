/**
 * MWAA's own needs, independent of any pipeline: the execution-role policy
 * of the MWAA user guide ("Amazon MWAA execution role", sample policies for
 * an AWS owned key and a customer managed key), kept in its own document so
 * that pipeline access can be told apart from it. Two deliberate changes:
 * - AWS's sample grants `s3:GetObject*`, `s3:GetBucket*` and `s3:List*` on the
 *   DAG bucket; pipegen names the actions instead (reading objects and their
 *   versions, listing, and the bucket settings MWAA checks), so that no
 *   policy pipegen writes holds a wildcard action.
 * - The sample's `Deny s3:ListAllMyBuckets` exists only to fence the `s3:List*`
 *   wildcard, so it is not needed here.
 * If MWAA ever reports a missing permission on the DAG bucket, compare with
 * the current user guide: the expansion is pipegen's, not AWS's.
 */
import type { Arns } from "./arn.js";
import type { Grant } from "./model.js";

export interface BaselineOptions {
  readonly environment: string;
  readonly dagBucket: string;
  /** A customer managed key; undefined for the AWS owned key (MWAA's default). */
  readonly kmsKey: string | undefined;
}

export interface BaselineGrant extends Grant {
  readonly notResource?: readonly string[];
}

export function baselineGrants(options: BaselineOptions, arns: Arns): BaselineGrant[] {
  const { partition, account, region } = arns.placement;
  const to = { kind: "execution-role" } as const;
  const sqsVia = `sqs.${region}.${arns.dnsSuffix}`;
  const kms: BaselineGrant = options.kmsKey
    ? {
        to,
        sid: "MwaaBaselineKms",
        explain: `encrypts the Celery queue messages and reads the bucket with customer managed key ${options.kmsKey}, only through SQS and S3`,
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: [options.kmsKey],
        condition: { StringLike: { "kms:ViaService": [sqsVia, `s3.${region}.${arns.dnsSuffix}`] } },
      }
    : {
        to,
        sid: "MwaaBaselineKms",
        explain:
          "encrypts the Celery queue messages with the AWS owned key: any key but this account's own, and only through SQS",
        actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        resources: [],
        notResource: [`arn:${partition}:kms:*:${account}:key/*`],
        condition: { StringLike: { "kms:ViaService": [sqsVia] } },
      };
  return [
    {
      to,
      sid: "MwaaBaselinePublishMetrics",
      explain: `MWAA reports the health of environment ${options.environment}`,
      actions: ["airflow:PublishMetrics"],
      resources: [`arn:${partition}:airflow:${region}:${account}:environment/${options.environment}`],
    },
    {
      to,
      sid: "MwaaBaselineDagBucketObjects",
      explain: `MWAA syncs dags/ and reads requirements.txt, plugins.zip and startup.sh (by version) from s3://${options.dagBucket}`,
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      resources: [arns.s3Object(options.dagBucket, "*")],
    },
    {
      to,
      sid: "MwaaBaselineDagBucket",
      explain: `MWAA lists s3://${options.dagBucket} and checks its location, versioning and public access block`,
      actions: [
        "s3:GetBucketLocation",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketVersioning",
        "s3:ListBucket",
        "s3:ListBucketVersions",
      ],
      resources: [arns.s3Bucket(options.dagBucket)],
    },
    {
      to,
      sid: "MwaaBaselineAccountPublicAccessBlock",
      explain: "MWAA checks the account's S3 public access block, an account setting that IAM cannot scope",
      actions: ["s3:GetAccountPublicAccessBlock"],
      resources: ["*"],
    },
    {
      to,
      sid: "MwaaBaselineLogs",
      explain: `Airflow's task, scheduler, worker, web server and DAG processing logs go to log groups airflow-${options.environment}-*`,
      actions: [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:GetLogEvents",
        "logs:GetLogGroupFields",
        "logs:GetLogRecord",
        "logs:GetQueryResults",
        "logs:PutLogEvents",
      ],
      resources: [`arn:${partition}:logs:${region}:${account}:log-group:airflow-${options.environment}-*`],
    },
    {
      to,
      sid: "MwaaBaselineDescribeLogGroups",
      explain: "MWAA finds its log groups (DescribeLogGroups, which IAM cannot scope)",
      actions: ["logs:DescribeLogGroups"],
      resources: ["*"],
    },
    {
      to,
      sid: "MwaaBaselineMetrics",
      explain: "MWAA publishes environment metrics to CloudWatch (PutMetricData, which IAM cannot scope)",
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"],
    },
    {
      to,
      sid: "MwaaBaselineCeleryQueue",
      explain:
        "the scheduler and workers exchange tasks through MWAA's Celery queues, which live in an account AWS owns",
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
      ],
      resources: [`arn:${partition}:sqs:${region}:*:airflow-celery-*`],
    },
    kms,
  ];
}
