/**
 * Maps recorded AWS calls (test/python/iam/record_calls.py) to the IAM
 * requests AWS authorizes for them: action, resource ARN and condition keys,
 * from the Service Authorization Reference and each service's guide. Some
 * calls are authorized as more than one request:
 * - glue CreateJob/CreateCrawler/UpdateCrawler with a Role: iam:PassRole on
 *   that role, with iam:PassedToService = glue.amazonaws.com;
 * - redshift-data ExecuteStatement/BatchExecuteStatement: the Data API signs
 *   in as the caller, so the caller also needs GetSecretValue on SecretArn, or
 *   redshift-serverless:GetCredentials on the workgroup, or
 *   redshift:GetClusterCredentials on the database user and database, or
 *   redshift:GetClusterCredentialsWithIAM on the database;
 * - s3 HeadObject answered 404: S3 answers 404 rather than 403 only to a
 *   caller that may list the bucket, so a 404 also proves s3:ListBucket with
 *   the key as s3:prefix (S3 API reference, HeadObject).
 */
import type { IamRequest } from "./iam-eval.js";

export interface RecordedCall {
  readonly dag: string;
  readonly task: string;
  readonly service: string;
  readonly operation: string;
  readonly params: Record<string, unknown>;
  /** `execution-role`, `redshift-role:default` or a role ARN. */
  readonly identity: string;
  readonly on_behalf: string | null;
  readonly region: string;
  readonly status: number;
  readonly error: string | null;
  readonly response: Record<string, unknown>;
  readonly stubbed?: string;
  readonly patched?: string;
}

export interface MappingContext {
  readonly account: string;
  readonly region: string;
  /** The MWAA execution role's ARN. */
  readonly executionRole: string;
  /** Workgroup name → id (IAM names workgroups by id). */
  readonly workgroupIds: ReadonlyMap<string, string>;
  /** Buckets of another account → that account. */
  readonly bucketOwners: ReadonlyMap<string, string>;
}

/** A request, and the call it comes from. */
export interface MappedRequest extends IamRequest {
  readonly call: RecordedCall;
  /** Why this request exists when it is not the call's own action (PassRole, sign-in, 404 listing). */
  readonly implied?: string;
}

export function principalOf(identity: string, ctx: MappingContext): string {
  if (identity === "execution-role") return ctx.executionRole;
  if (identity === "redshift-role:default") return `arn:aws:iam::${ctx.account}:role/redshift-default-role`;
  return identity;
}

const userid = (principal: string) => `AROA:${principal}`;

/**
 * Every IAM request behind the recorded calls. `owners` maps a Data API
 * statement id to the principal that started it (for the statement-owner condition).
 */
export function requestsFor(calls: readonly RecordedCall[], ctx: MappingContext): MappedRequest[] {
  const owners = new Map<string, string>();
  const out: MappedRequest[] = [];
  for (const call of calls) {
    const principal = principalOf(call.identity, ctx);
    const base = { principal, principalAccount: ctx.account, call };
    const req = (
      action: string,
      resource: string,
      extra: { context?: Record<string, string>; resourceAccount?: string; implied?: string } = {},
    ): MappedRequest => ({
      ...base,
      action,
      resource,
      resourceAccount: extra.resourceAccount ?? ctx.account,
      context: { "aws:userid": userid(principal), ...extra.context },
      ...(extra.implied ? { implied: extra.implied } : {}),
    });
    const p = call.params as Record<string, string | string[] | undefined>;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${ctx.region}:${ctx.account}:${resource}`;
    const s3 = (bucket: string, key?: string) => ({
      resource: key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`,
      resourceAccount: ctx.bucketOwners.get(bucket) ?? ctx.account,
    });
    const passRole = (role: string | undefined) =>
      role
        ? [
            req("iam:PassRole", role, {
              context: { "iam:PassedToService": "glue.amazonaws.com" },
              implied: "the call hands the role to Glue",
            }),
          ]
        : [];
    const key = `${call.service} ${call.operation}`;
    switch (key) {
      case "s3 HeadObject":
      case "s3 GetObject": {
        const o = s3(p.Bucket as string, p.Key as string);
        out.push(req("s3:GetObject", o.resource, { resourceAccount: o.resourceAccount }));
        if (call.status === 404) {
          const b = s3(p.Bucket as string);
          out.push(
            req("s3:ListBucket", b.resource, {
              resourceAccount: b.resourceAccount,
              context: { "s3:prefix": p.Key as string },
              implied: "S3 answered 404, which it does only to a caller that may list the bucket",
            }),
          );
        }
        break;
      }
      case "s3 ListObjectsV2":
      case "s3 ListObjects": {
        const b = s3(p.Bucket as string);
        out.push(
          req("s3:ListBucket", b.resource, {
            resourceAccount: b.resourceAccount,
            context: { "s3:prefix": (p.Prefix as string | undefined) ?? "" },
          }),
        );
        break;
      }
      case "s3 CopyObject": {
        // CopyObject reads its source and writes its target (S3 API reference, CopyObject).
        const [srcBucket, ...srcKey] = String(p.CopySource).split("/");
        const src = s3(srcBucket!, srcKey.join("/"));
        const o = s3(p.Bucket as string, p.Key as string);
        out.push(
          req("s3:GetObject", src.resource, { resourceAccount: src.resourceAccount, implied: "the copy's source" }),
        );
        out.push(req("s3:PutObject", o.resource, { resourceAccount: o.resourceAccount }));
        break;
      }
      case "glue GetDatabase":
        // Glue authorizes database actions on the catalog and the database (Glue developer guide, "Specifying AWS Glue resource ARNs").
        for (const resource of ["catalog", `database/${String(p.Name).toLowerCase()}`])
          out.push(req("glue:GetDatabase", arn("glue", resource)));
        break;
      case "glue GetTable":
      case "glue CreateTable":
      case "glue UpdateTable":
      case "glue DeleteTable": {
        // Table actions are authorized on the catalog, the database and the table, all three.
        const db = String(p.DatabaseName).toLowerCase();
        const table = String(p.Name ?? (p.TableInput as unknown as { Name?: string } | undefined)?.Name).toLowerCase();
        for (const resource of ["catalog", `database/${db}`, `table/${db}/${table}`])
          out.push(req(`glue:${call.operation}`, arn("glue", resource)));
        break;
      }
      case "s3 PutObject":
      case "s3 DeleteObject": {
        const o = s3(p.Bucket as string, p.Key as string);
        out.push(req(`s3:${call.operation}`, o.resource, { resourceAccount: o.resourceAccount }));
        break;
      }
      case "s3 DeleteObjects":
        // S3 authorizes a multi-object delete key by key, as s3:DeleteObject.
        for (const { Key } of (p.Delete as unknown as { Objects: { Key: string }[] }).Objects) {
          const o = s3(p.Bucket as string, Key);
          out.push(req("s3:DeleteObject", o.resource, { resourceAccount: o.resourceAccount }));
        }
        break;
      case "glue GetCrawler":
      case "glue StartCrawler":
        out.push(req(`glue:${call.operation}`, arn("glue", `crawler/${p.Name}`)));
        break;
      case "glue UpdateCrawler":
        out.push(req("glue:UpdateCrawler", arn("glue", `crawler/${p.Name}`)), ...passRole(p.Role as string));
        break;
      case "glue CreateCrawler":
        // No resource type for CreateCrawler in IAM: the request's resource is "*".
        out.push(req("glue:CreateCrawler", "*"), ...passRole(p.Role as string));
        break;
      case "glue GetCrawlerMetrics":
        out.push(req("glue:GetCrawlerMetrics", "*"));
        break;
      case "glue GetJob":
      case "glue StartJobRun":
      case "glue GetJobRun":
        out.push(req(`glue:${call.operation}`, arn("glue", `job/${p.JobName}`)));
        break;
      case "glue CreateJob":
        out.push(req("glue:CreateJob", arn("glue", `job/${p.Name}`)), ...passRole(p.Role as string));
        break;
      case "iam GetRole":
        // The role as IAM knows it, path included; a name alone does not say the path.
        out.push(
          req(
            "iam:GetRole",
            (call.response.Arn as string | undefined) ?? `arn:aws:iam::${ctx.account}:role/${p.RoleName}`,
          ),
        );
        break;
      case "logs FilterLogEvents":
        // CloudWatch Logs authorizes log-group actions on `log-group:<name>:*` (CloudWatch Logs user guide).
        out.push(req("logs:FilterLogEvents", arn("logs", `log-group:${p.logGroupName}:*`)));
        break;
      case "redshift-data ExecuteStatement":
      case "redshift-data BatchExecuteStatement": {
        const workgroup = p.WorkgroupName as string | undefined;
        const cluster = p.ClusterIdentifier as string | undefined;
        const target = workgroup
          ? arn("redshift-serverless", `workgroup/${ctx.workgroupIds.get(workgroup) ?? `unknown-id-of-${workgroup}`}`)
          : arn("redshift", `cluster:${cluster}`);
        out.push(req(`redshift-data:${call.operation}`, target));
        const signIn = "the Data API signs in to the database as the caller";
        if (p.SecretArn) out.push(req("secretsmanager:GetSecretValue", p.SecretArn as string, { implied: signIn }));
        else if (workgroup) out.push(req("redshift-serverless:GetCredentials", target, { implied: signIn }));
        else if (p.DbUser)
          out.push(
            req("redshift:GetClusterCredentials", arn("redshift", `dbuser:${cluster}/${p.DbUser}`), {
              implied: signIn,
            }),
            req("redshift:GetClusterCredentials", arn("redshift", `dbname:${cluster}/${p.Database}`), {
              implied: signIn,
            }),
          );
        else
          out.push(
            req("redshift:GetClusterCredentialsWithIAM", arn("redshift", `dbname:${cluster}/${p.Database}`), {
              implied: signIn,
            }),
          );
        if (call.status < 300 && call.response.Id) owners.set(call.response.Id as string, principal);
        break;
      }
      case "redshift-data DescribeStatement":
      case "redshift-data CancelStatement": {
        const owner = owners.get(p.Id as string);
        out.push(
          req(`redshift-data:${call.operation}`, "*", {
            context: { "redshift-data:statement-owner-iam-userid": owner ? userid(owner) : "unknown-owner" },
          }),
        );
        break;
      }
      default:
        throw new Error(`no IAM mapping for ${key} (called by ${call.dag}.${call.task}); add one`);
    }
  }
  return out;
}
