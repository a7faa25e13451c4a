/**
 * ARNs of the resources pipegen's steps touch, in the formats of the AWS
 * Service Authorization Reference (the same data Parliament checks against).
 */
import type { AwsPartition } from "../spec/common.js";

/** Where the MWAA environment runs. */
export interface AwsPlacement {
  readonly partition: AwsPartition;
  readonly account: string;
  readonly region: string;
}

export class Arns {
  constructor(readonly placement: AwsPlacement) {}

  get partition(): string {
    return this.placement.partition;
  }

  /** The DNS suffix of service endpoints, for kms:ViaService values. */
  get dnsSuffix(): string {
    return this.placement.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  }

  s3Bucket(bucket: string): string {
    return `arn:${this.partition}:s3:::${bucket}`;
  }

  /** `keyPattern` is already an IAM pattern (see s3-patterns.ts): literals escaped, templates as `*`. */
  s3Object(bucket: string, keyPattern: string): string {
    return `arn:${this.partition}:s3:::${bucket}/${keyPattern}`;
  }

  glue(resource: string, region = this.placement.region): string {
    return `arn:${this.partition}:glue:${region}:${this.placement.account}:${resource}`;
  }

  glueJob(name: string): string {
    return this.glue(`job/${name}`);
  }

  glueCrawler(name: string): string {
    return this.glue(`crawler/${name}`);
  }

  /** An IAM role from an ARN (kept) or a name in the environment's account (assumed to have no path). */
  iamRole(nameOrArn: string): string {
    return nameOrArn.startsWith("arn:")
      ? nameOrArn
      : `arn:${this.partition}:iam::${this.placement.account}:role/${nameOrArn}`;
  }

  /** An IAM role of this account by name under any IAM path (the pattern role/STAR/name); role names are unique in an account. */
  iamRoleAnyPath(name: string): string {
    return `arn:${this.partition}:iam::${this.placement.account}:role/*/${name}`;
  }

  /**
   * A CloudWatch Logs log group in the form IAM policies use for all actions
   * but tagging: with a trailing `:*` (CloudWatch Logs user guide, "CloudWatch
   * Logs resources and operations").
   */
  logGroup(name: string): string {
    return `arn:${this.partition}:logs:${this.placement.region}:${this.placement.account}:log-group:${name}:*`;
  }

  redshiftCluster(cluster: string): string {
    return `arn:${this.partition}:redshift:${this.placement.region}:${this.placement.account}:cluster:${cluster}`;
  }

  redshiftDbUser(cluster: string, user: string): string {
    return `arn:${this.partition}:redshift:${this.placement.region}:${this.placement.account}:dbuser:${cluster}/${user}`;
  }

  redshiftDbName(cluster: string, database: string): string {
    return `arn:${this.partition}:redshift:${this.placement.region}:${this.placement.account}:dbname:${cluster}/${database}`;
  }

  /** Redshift Serverless names a workgroup by id in ARNs, not by name. */
  serverlessWorkgroup(workgroupId: string): string {
    return `arn:${this.partition}:redshift-serverless:${this.placement.region}:${this.placement.account}:workgroup/${workgroupId}`;
  }
}

/** The name part of a role ARN (`arn:aws:iam::1:role/service-role/x` → `x`). */
export function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf("/") + 1);
}
