/**
 * The pieces around the step builders: pipegen's wildcard check (given a
 * statement, want these violations), S3 key patterns, how documents are
 * assembled (placement, merging, splitting, bucket policies) and the spec's
 * `aws` block.
 */
import { describe, expect, it } from "vitest";
import { SpecError, UserError } from "../../src/errors.js";
import { buildIam } from "../../src/iam/index.js";
import type { PolicyStatement } from "../../src/iam/model.js";
import { hasWildcard, iamLiteral, templatePattern, wildcardListingPrefix } from "../../src/iam/s3-patterns.js";
import { checkWildcards } from "../../src/iam/wildcard-check.js";
import { basePipeline, problemsOf, REDSHIFT, resolved } from "../helpers/spec.js";

const stmt = (s: Partial<PolicyStatement>): PolicyStatement => ({
  Sid: "S",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::b/k"],
  ...s,
});
const check = (s: Partial<PolicyStatement>) => checkWildcards({ Version: "2012-10-17", Statement: [stmt(s)] });

describe("wildcard check", () => {
  it.each<[string, Partial<PolicyStatement>, string[]]>([
    ["exact resources pass", {}, []],
    ["Action *", { Action: ["*"] }, ["S: wildcard action *"]],
    ["a service-wide action", { Action: ["s3:*"] }, ["S: wildcard action s3:*"]],
    ["an action prefix", { Action: ["s3:Get*"] }, ["S: wildcard action s3:Get*"]],
    [
      "Resource * for a scopable action",
      { Action: ["glue:StartJobRun"], Resource: ["*"] },
      ['S: Resource "*" for glue:StartJobRun, which is not in the allow-list'],
    ],
    ["Resource * for an allow-listed action", { Action: ["glue:GetCrawlerMetrics"], Resource: ["*"] }, []],
    [
      "Resource * mixing allowed and not",
      { Action: ["glue:GetCrawlerMetrics", "glue:GetCrawler"], Resource: ["*"] },
      ['S: Resource "*" for glue:GetCrawler, which is not in the allow-list'],
    ],
    ["an S3 key pattern under a literal bucket", { Resource: ["arn:aws:s3:::my-bucket/in/*/x.csv"] }, []],
    [
      "a wildcard bucket",
      { Resource: ["arn:aws:s3:::*"] },
      ["S: wildcard resource arn:aws:s3:::* matches no allowed form"],
    ],
    [
      "a wildcard bucket name with objects",
      { Resource: ["arn:aws:s3:::data-*/k"] },
      ["S: wildcard resource arn:aws:s3:::data-*/k matches no allowed form"],
    ],
    [
      "every Glue job",
      { Action: ["glue:StartJobRun"], Resource: ["arn:aws:glue:us-east-1:111122223333:job/*"] },
      ["S: wildcard resource arn:aws:glue:us-east-1:111122223333:job/* matches no allowed form"],
    ],
    [
      "a wildcard account",
      { Action: ["glue:StartJobRun"], Resource: ["arn:aws:glue:us-east-1:*:job/j"] },
      ["S: wildcard resource arn:aws:glue:us-east-1:*:job/j matches no allowed form"],
    ],
    [
      "a log group with the :* suffix CloudWatch Logs wants",
      {
        Action: ["logs:FilterLogEvents"],
        Resource: ["arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/jobs/output:*"],
      },
      [],
    ],
    [
      "a log group name pattern",
      { Action: ["logs:FilterLogEvents"], Resource: ["arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/*"] },
      ["S: wildcard resource arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/* matches no allowed form"],
    ],
    [
      "MWAA's Celery queues in an AWS-owned account",
      { Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:us-east-1:*:airflow-celery-*"] },
      [],
    ],
    [
      "any other queue in any account",
      { Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:us-east-1:*:*"] },
      ["S: wildcard resource arn:aws:sqs:us-east-1:*:* matches no allowed form"],
    ],
    ["escaped literals are not wildcards", { Resource: ["arn:aws:s3:::my-bucket/a${*}b"] }, []],
    [
      "an s3:prefix pattern",
      { Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::b"], Condition: { StringLike: { "s3:prefix": ["in/*"] } } },
      [],
    ],
    [
      "a pattern in another condition key",
      { Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } },
      ["S: wildcard in condition StringLike aws:PrincipalArn: arn:aws:iam::*:role/*"],
    ],
    [
      "a policy variable is not a wildcard",
      {
        Action: ["redshift-data:DescribeStatement"],
        Resource: ["*"],
        Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
      },
      [],
    ],
    [
      "the AWS owned KMS key exclusion",
      { Action: ["kms:Decrypt"], Resource: undefined, NotResource: ["arn:aws:kms:*:111122223333:key/*"] },
      [],
    ],
    [
      "any other NotResource",
      { Resource: undefined, NotResource: ["arn:aws:s3:::secret-bucket/*"] },
      ["S: NotResource arn:aws:s3:::secret-bucket/* matches no allowed form"],
    ],
    ["a wildcard principal", { Principal: { AWS: "*" } }, ["S: wildcard principal *"]],
  ])("%s", (_, s, want) => {
    expect(check(s)).toEqual(want);
  });
});

describe("S3 key patterns", () => {
  it.each<[string, string, string]>([
    ["in/${YYYY}/${MM}/${DD}/", "in/*/*/*/", "date placeholders"],
    ["in/${YYYY}${MM}${DD}.csv", "in/*.csv", "adjacent templates collapse"],
    ["in/{{ ds_nodash }}/x", "in/*/x", "raw Jinja"],
    ["in/{% if x %}a{% endif %}/x", "in/*a*/x", "Jinja statements"],
    ["a*b?c$d", "a${*}b${?}c${$}d", "IAM's special characters escaped"],
    ["cost/${UNKNOWN}", "cost/${$}{UNKNOWN}", "not a placeholder: literal"],
  ])("templatePattern(%j) = %j (%s)", (text, want) => {
    expect(templatePattern(text)).toBe(want);
  });

  it.each<[string, string]>([
    ["in/${DATE}/*.csv", "in/*/"],
    ["in/*/${DATE}", "in/"],
    ["*.csv", ""],
    ["in/[0-9]/x", "in/"],
    ["in/a?b", "in/a"],
  ])("the listing prefix of %j is %j", (key, want) => {
    expect(wildcardListingPrefix(key)).toBe(want);
  });

  it("tells escaped characters from wildcards", () => {
    expect([hasWildcard("a*"), hasWildcard("a${*}"), hasWildcard(iamLiteral("a?$")), hasWildcard("a?")]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});

const OPTS = { account: "111122223333", region: "us-east-1" };
const rs = { connections: { redshift: { ...REDSHIFT, workgroupId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } } };

describe("documents", () => {
  it("gives every step its own statements, each Sid naming pipeline, step and purpose, even when two steps need the same access", () => {
    const spec = basePipeline({
      ...rs,
      steps: [
        { id: "a", kind: "redshiftSql", sql: "x" },
        { id: "b", kind: "refreshMaterializedView", view: "v" },
      ],
    });
    const [doc] = buildIam([resolved(spec)], OPTS).documents;
    expect(doc!.policy.Statement.map((s) => s.Sid)).toEqual([
      "DemoARunSql",
      "DemoASqlStatus",
      "DemoAReadSecret",
      "DemoBRunSql",
      "DemoBSqlStatus",
      "DemoBReadSecret",
    ]);
  });

  it("never merges across pipelines", () => {
    const a = resolved(basePipeline({ id: "demo", ...rs, steps: [{ id: "q", kind: "redshiftSql", sql: "x" }] }));
    const b = { ...a, pipeline: { ...a.pipeline, id: "other" }, file: "pipelines/other.pipeline.yaml" };
    const sids = buildIam([a, b], OPTS).documents[0]!.policy.Statement.map((s) => s.Sid);
    expect(sids).toEqual([
      "DemoQRunSql",
      "DemoQSqlStatus",
      "DemoQReadSecret",
      "OtherQRunSql",
      "OtherQSqlStatus",
      "OtherQReadSecret",
    ]);
  });

  it("splits the execution-role policy by pipeline when it would pass the managed-policy limit", () => {
    const steps = Array.from({ length: 30 }, (_, i) => ({
      id: `sense_${i}`,
      kind: "s3Sensor",
      bucket: "landing-bucket",
      key: `feed_${i}/\${DATE}/_SUCCESS`,
      after: [],
    }));
    const result = buildIam([resolved(basePipeline({ steps }))], OPTS);
    const parts = result.documents.filter((d) => d.kind === "execution-role");
    expect(parts.map((d) => d.file)).toEqual(["mwaa-execution-role-1.json", "mwaa-execution-role-2.json"]);
    for (const d of parts) expect(d.size.characters).toBeLessThanOrEqual(6144);
    expect(parts.flatMap((d) => d.policy.Statement)).toHaveLength(60);
  });

  it("writes a bucket policy for a cross-account bucket, naming the role that acts there", () => {
    const spec = basePipeline({ aws: { bucketOwners: { "landing-bucket": "444455556666" } } });
    const result = buildIam([resolved(spec)], { ...OPTS, executionRole: "mwaa-exec" });
    const policy = result.documents.find((d) => d.kind === "bucket-policy")!;
    expect(policy.file).toBe("bucket-policy-landing-bucket.json");
    expect(policy.policy.Statement.map((s) => s.Principal)).toEqual([
      { AWS: "arn:aws:iam::111122223333:role/mwaa-exec" },
    ]);
  });

  it("needs --execution-role for a cross-account bucket the execution role uses", () => {
    const spec = basePipeline({ aws: { bucketOwners: { "landing-bucket": "444455556666" } } });
    expect(() => buildIam([resolved(spec)], OPTS)).toThrow(
      new UserError(
        "bucket landing-bucket belongs to account 444455556666, so its bucket policy must name the MWAA execution role: pass --execution-role <name or ARN>",
      ),
    );
  });

  it("takes account and region from the spec, and refuses specs that disagree", () => {
    const a = resolved(basePipeline({ aws: { account: "111122223333", region: "eu-west-1" } }));
    expect(buildIam([a]).placement).toEqual({ partition: "aws", account: "111122223333", region: "eu-west-1" });
    const error = (() => {
      try {
        buildIam([a], { account: "999999999999" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SpecError);
    // Placed with the resolved pipeline's own locator (the test spec's puts every path at 1:1): no spec file is read again.
    expect((error as SpecError).problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual([
      "1:1 aws.account: is 111122223333, but --account is 999999999999",
    ]);
  });

  it.each<[string, Record<string, string>, string]>([
    ["no account", { region: "us-east-1" }, "no AWS account: pass --account or set aws.account in a spec"],
    ["no region", { account: "111122223333" }, "no AWS region: pass --region or set aws.region in a spec"],
    [
      "a bad account",
      { account: "1234", region: "us-east-1" },
      '--account must be a 12-digit AWS account id, got "1234"',
    ],
    [
      "a China region in the aws partition",
      { account: "111122223333", region: "cn-north-1" },
      "region cn-north-1 is in partition aws-cn, not aws: pass --partition aws-cn",
    ],
    [
      "half the baseline",
      { ...OPTS, environment: "prod" },
      "the MWAA baseline needs both --environment and --dag-bucket",
    ],
  ])("refuses %s", (_, options, message) => {
    expect(() => buildIam([resolved(basePipeline())], options)).toThrow(new UserError(message));
  });

  it("uses the partition's ARNs and endpoints", () => {
    const result = buildIam([resolved(basePipeline({ steps: [{ id: "j", kind: "glueJob", job: "j" }] }))], {
      account: "111122223333",
      region: "cn-north-1",
      partition: "aws-cn",
      environment: "e",
      dagBucket: "dag-bucket",
    });
    const text = result.files.map((f) => f.content).join("");
    expect(text).toContain("arn:aws-cn:glue:cn-north-1:111122223333:job/j");
    expect(text).toContain("sqs.cn-north-1.amazonaws.com.cn");
    expect(text).not.toContain("arn:aws:");
  });
});

describe("spec: the aws block", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "valid",
      { aws: { account: "111122223333", region: "us-east-1", bucketOwners: { "landing-bucket": "444455556666" } } },
      [],
    ],
    ["a bad account", { aws: { account: "1111" } }, ["aws.account: must be a 12-digit AWS account id"]],
    ["a bad region", { aws: { region: "useast1" } }, ["aws.region: must be an AWS region code such as eu-west-1"]],
    [
      "an owner for a bucket no step uses",
      { aws: { bucketOwners: { "landing-bukcet": "444455556666" } } },
      ['aws.bucketOwners.landing-bukcet: no step reads or writes bucket "landing-bukcet"; steps use landing-bucket'],
    ],
    [
      "the pipeline's own account as owner",
      { aws: { account: "111122223333", bucketOwners: { "landing-bucket": "111122223333" } } },
      ["aws.bucketOwners.landing-bucket: is aws.account itself; list only buckets owned by another account"],
    ],
    [
      "an unknown key",
      { aws: { acount: "111122223333" } },
      ['aws.acount: unknown key "acount" — did you mean "account"?'],
    ],
    [
      "a workgroup id that is not one",
      { connections: { redshift: { ...REDSHIFT, workgroupId: "analytics" } } },
      ["connections.redshift.workgroupId: must be a workgroup id (a lowercase UUID)"],
    ],
  ])("%s", (_, overrides, want) => {
    expect(problemsOf(basePipeline(overrides))).toEqual(want);
  });
});
