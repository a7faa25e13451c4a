/**
 * The only places pipegen's policies may hold a wildcard, each with the
 * reason. `checkWildcards` (wildcard-check.ts) fails on anything else, and
 * Parliament independently flags a `Resource: "*"` on any action that AWS
 * does let you scope (its RESOURCE_STAR finding), so this list cannot drift
 * into convenience.
 */
import { AWS_PATTERN } from "../spec/common.js";

/**
 * Actions that AWS does not scope to a resource: the Service Authorization
 * Reference lists no resource type for them, so `"Resource": "*"` is the
 * only value IAM accepts. Where AWS offers a condition key, the statement
 * uses it instead.
 */
export const RESOURCE_STAR_ACTIONS: Readonly<Record<string, string>> = {
  "glue:GetCrawlerMetrics": "no resource type in IAM; GlueCrawlerOperator calls it once after waiting for the crawl",
  "glue:CreateCrawler":
    "no resource type in IAM (only tag condition keys); needed only when the spec lets pipegen manage the crawler",
  "redshift-data:DescribeStatement":
    "no resource type in IAM; limited by redshift-data:statement-owner-iam-userid to statements this role started",
  "redshift-data:CancelStatement":
    "no resource type in IAM; limited by redshift-data:statement-owner-iam-userid to statements this role started (RedshiftDataOperator.on_kill)",
  "logs:DescribeLogGroups": "no resource type in IAM; part of MWAA's documented execution-role baseline",
  "cloudwatch:PutMetricData":
    "no resource type in IAM; part of MWAA's documented execution-role baseline (environment metrics)",
  "s3:GetAccountPublicAccessBlock": "an account-level setting with no resource type; MWAA checks it for the DAG bucket",
};

/** A resource pattern that may hold a wildcard, and why. */
export interface AllowedWildcard {
  readonly name: string;
  readonly why: string;
  /** Matches the whole ARN; escaped IAM literals (`${*}`) are removed before matching. */
  readonly pattern: RegExp;
  /** For NotResource only. */
  readonly notResource?: true;
}

const { partition: PARTITION, region: REGION, account: ACCOUNT } = AWS_PATTERN;

export const ALLOWED_WILDCARD_RESOURCES: readonly AllowedWildcard[] = [
  {
    name: "s3-key-pattern",
    why: "objects under a literal bucket whose key holds run-time dates or a trailing prefix wildcard",
    pattern: new RegExp(`^arn:${PARTITION}:s3:::[a-z0-9][a-z0-9.-]*[a-z0-9]/.+$`),
  },
  {
    name: "iam-role-any-path",
    why: "a Glue job role given by name, whatever its IAM path: role names are unique in an account, so role/*/<name> matches only that role",
    pattern: new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/\\*/[A-Za-z0-9+=,.@_-]+$`),
  },
  {
    name: "log-group-suffix",
    why: "CloudWatch Logs wants a log group as `log-group:<name>:*` in IAM policies for every action but tagging",
    pattern: new RegExp(`^arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:[^*?]+:\\*$`),
  },
  {
    name: "emr-serverless-job-runs",
    why: "the job runs of one EMR Serverless application, declared by an operator step: a run's id exists only once StartJobRun returns it",
    pattern: new RegExp(
      `^arn:${PARTITION}:emr-serverless:${REGION}:${ACCOUNT}:/applications/[A-Za-z0-9]+/jobruns/\\*$`,
    ),
  },
  {
    name: "mwaa-log-groups",
    why: "MWAA's execution-role baseline: the environment's own log groups, airflow-<environment>-*",
    pattern: new RegExp(`^arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:airflow-[A-Za-z0-9_-]+-\\*$`),
  },
  {
    name: "mwaa-celery-queues",
    why: "MWAA's execution-role baseline: the Celery queues live in an account that AWS owns, so the account is `*` (MWAA user guide, execution role)",
    pattern: new RegExp(`^arn:${PARTITION}:sqs:${REGION}:\\*:airflow-celery-\\*$`),
  },
  {
    name: "mwaa-aws-owned-key",
    why: "MWAA's execution-role baseline with an AWS owned key: every key except this account's own, and only through SQS (kms:ViaService)",
    pattern: new RegExp(`^arn:${PARTITION}:kms:\\*:${ACCOUNT}:key/\\*$`),
    notResource: true,
  },
];

/** Condition keys whose values may be StringLike patterns. */
export const WILDCARD_CONDITION_KEYS: Readonly<Record<string, string>> = {
  "s3:prefix": "the listing prefix of a key that holds run-time dates, or everything under a literal prefix",
};
