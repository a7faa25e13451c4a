/**
 * Given a step, want these statements: one table per step kind. Each row is
 * a statement as `to | Sid purpose | actions | resources | condition`, so a
 * change in what a step is granted shows up as a one-line diff.
 */
import { describe, expect, it } from "vitest";
import { Arns } from "../../src/iam/arn.js";
import type { Grant, IamContext } from "../../src/iam/model.js";
import { stepGrants } from "../../src/iam/steps/index.js";
import { basePipeline, REDSHIFT, resolved } from "../helpers/spec.js";

const ARNS = new Arns({ partition: "aws", account: "111122223333", region: "us-east-1" });
const SECRET = REDSHIFT.secretArn;
const WG = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

interface Built {
  rows: string[];
  notes: string[];
  missing: string[];
}

/** Builds the grants of the pipeline's only step; Sids are shown as their purpose only. */
function build(step: Record<string, unknown>, overrides: Record<string, unknown> = {}, unloadRole?: string): Built {
  const r = resolved(basePipeline({ steps: [{ id: "s", ...step }], ...overrides }));
  const notes: string[] = [];
  const missing: string[] = [];
  const ctx: IamContext = {
    resolved: r,
    arns: ARNS,
    unloadRole,
    sid: (_, purpose) => purpose,
    note: (n) => notes.push(n),
    missing: (path, message) => missing.push(`${path.join(".")}: ${message}`),
  };
  return { rows: stepGrants(r.pipeline.steps[0]!, ctx).map(row), notes, missing };
}

function row(g: Grant): string {
  const to = g.to.kind === "execution-role" ? "exec" : `${g.to.kind}:${g.to.roleArn.split("/").at(-1)}`;
  const condition = g.condition ? ` | ${JSON.stringify(g.condition)}` : "";
  return `${to} | ${g.sid} | ${[...g.actions].sort().join(",")} | ${g.resources.join(" ")}${condition}`;
}

const workgroup = (extra: Record<string, unknown> = {}) => ({
  connections: { redshift: { ...REDSHIFT, workgroupId: WG, ...extra } },
});

describe("s3Sensor", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "wildcard key with date placeholders: list the prefix before the first wildcard, read nothing",
      { key: "in/${YYYY}/${MM}/*.csv" },
      ['exec | ListPrefix | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringLike":{"s3:prefix":"in/*/*/"}}'],
    ],
    [
      "wildcard key without templates: an exact prefix",
      { key: "in/part-?.csv" },
      ['exec | ListPrefix | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringEquals":{"s3:prefix":"in/part-"}}'],
    ],
    [
      "[ starts a pattern too",
      { key: "in/[ab]/x" },
      ['exec | ListPrefix | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringEquals":{"s3:prefix":"in/"}}'],
    ],
    [
      "a key that starts with a wildcard lists the whole bucket",
      { key: "*.csv" },
      ["exec | ListBucket | s3:ListBucket | arn:aws:s3:::landing-bucket"],
    ],
    [
      "exact key: HeadObject, plus the list right that turns a missing key into 404",
      { key: "out/${DATE}/_SUCCESS" },
      [
        "exec | HeadKey | s3:GetObject | arn:aws:s3:::landing-bucket/out/*/_SUCCESS",
        'exec | ListKey | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringLike":{"s3:prefix":"out/*/_SUCCESS"}}',
      ],
    ],
    [
      "wildcard: false keeps * and ? literal (IAM-escaped)",
      { key: "a*b?$.txt", wildcard: false },
      [
        "exec | HeadKey | s3:GetObject | arn:aws:s3:::landing-bucket/a${*}b${?}${$}.txt",
        'exec | ListKey | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringEquals":{"s3:prefix":"a${*}b${?}${$}.txt"}}',
      ],
    ],
    [
      "raw Jinja is a run-time value",
      { key: "in/{{ ds }}/done" },
      [
        "exec | HeadKey | s3:GetObject | arn:aws:s3:::landing-bucket/in/*/done",
        'exec | ListKey | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringLike":{"s3:prefix":"in/*/done"}}',
      ],
    ],
    [
      "deferrable mode makes the same calls from the triggerer",
      { key: "in/*.csv", mode: "deferrable" },
      ['exec | ListPrefix | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringEquals":{"s3:prefix":"in/"}}'],
    ],
  ])("%s", (_, s, want) => {
    expect(build({ kind: "s3Sensor", bucket: "landing-bucket", ...s }).rows).toEqual(want);
  });
});

describe("glueCrawler", () => {
  const crawler = "arn:aws:glue:us-east-1:111122223333:crawler/raw";
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "sensor wait: read and start the crawler, nothing else",
      { wait: "sensor" },
      [`exec | RunCrawler | glue:GetCrawler,glue:StartCrawler | ${crawler}`],
    ],
    ["no wait", { wait: "none" }, [`exec | RunCrawler | glue:GetCrawler,glue:StartCrawler | ${crawler}`]],
    [
      "operator wait adds GetCrawlerMetrics (no resource type in IAM)",
      { wait: "operator" },
      [
        `exec | RunCrawler | glue:GetCrawler,glue:StartCrawler | ${crawler}`,
        "exec | CrawlerMetrics | glue:GetCrawlerMetrics | *",
      ],
    ],
    [
      "manage: update and create it, pass its role to Glue only, and the role reads its targets",
      {
        manage: {
          role: "arn:aws:iam::111122223333:role/crawl",
          database: "raw",
          s3Targets: ["s3://landing-bucket/raw/", "s3://other-bucket"],
        },
      },
      [
        `exec | RunCrawler | glue:GetCrawler,glue:StartCrawler | ${crawler}`,
        `exec | UpdateCrawler | glue:UpdateCrawler | ${crawler}`,
        "exec | CreateCrawler | glue:CreateCrawler | *",
        'exec | PassCrawlerRole | iam:PassRole | arn:aws:iam::111122223333:role/crawl | {"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}',
        "glue-role:crawl | ReadTarget1 | s3:GetObject | arn:aws:s3:::landing-bucket/raw arn:aws:s3:::landing-bucket/raw/*",
        'glue-role:crawl | ListTarget1 | s3:ListBucket | arn:aws:s3:::landing-bucket | {"StringLike":{"s3:prefix":["raw","raw/*"]}}',
        "glue-role:crawl | ReadTarget2 | s3:GetObject | arn:aws:s3:::other-bucket/*",
        "glue-role:crawl | ListTarget2 | s3:ListBucket | arn:aws:s3:::other-bucket",
      ],
    ],
  ])("%s", (_, s, want) => {
    expect(build({ kind: "glueCrawler", crawler: "raw", ...s }).rows).toEqual(want);
  });

  it("says that an unmanaged crawler's role and targets are up to the user", () => {
    expect(build({ kind: "glueCrawler", crawler: "raw" }).notes).toEqual([
      "demo.s: crawler raw is not managed by the spec, so its role and S3 targets are unknown to pipegen: grant that role read access to its targets yourself (and name it in the bucket policy of a cross-account bucket)",
    ]);
  });
});

describe("glueJob", () => {
  const job = "arn:aws:glue:us-east-1:111122223333:job/j";
  const run = `exec | RunJob | glue:GetJob,glue:GetJobRun,glue:StartJobRun | ${job}`;
  it.each<[string, Record<string, unknown>, string[]]>([
    ["an existing job: start and poll it only", {}, [run]],
    ["operator wait makes the same calls", { wait: "operator" }, [run]],
    [
      "a role ARN: create the job if missing and pass exactly that role to Glue; the role reads the script",
      {
        role: "arn:aws:iam::111122223333:role/etl/glue-j",
        scriptLocation: "s3://artifacts-bucket/jobs/j.py",
      },
      [
        run,
        `exec | CreateJob | glue:CreateJob | ${job}`,
        'exec | PassJobRole | iam:PassRole | arn:aws:iam::111122223333:role/etl/glue-j | {"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}',
        "glue-role:glue-j | ReadScript | s3:GetObject | arn:aws:s3:::artifacts-bucket/jobs/j.py",
      ],
    ],
    [
      "a role name: the hook looks its ARN up with iam:GetRole first",
      { role: "glue-j" },
      [
        run,
        `exec | CreateJob | glue:CreateJob | ${job}`,
        'exec | PassJobRole | iam:PassRole | arn:aws:iam::111122223333:role/glue-j | {"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}',
        "exec | ReadJobRole | iam:GetRole | arn:aws:iam::111122223333:role/glue-j",
      ],
    ],
    [
      "verbose: read the run's output and error log groups only",
      { verbose: true },
      [
        run,
        "exec | ReadJobLogs | logs:FilterLogEvents | arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/jobs/output:* arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/jobs/error:*",
      ],
    ],
  ])("%s", (_, s, want) => {
    expect(build({ kind: "glueJob", job: "j", ...s }).rows).toEqual(want);
  });
});

describe("xtable", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "Delta to Iceberg: read the table, write metadata/ only",
      { targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "s3://lake-bucket/t/", tableName: "t" }] },
      [
        "exec | ReadTable | s3:GetObject | arn:aws:s3:::lake-bucket/t arn:aws:s3:::lake-bucket/t/*",
        'exec | ListTable | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["t","t/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/t/metadata/*",
      ],
    ],
    [
      // (HUDI targets are refused by validate: see src/spec/steps/xtable.ts.)
      "each target format writes its own folder",
      {
        sourceFormat: "ICEBERG",
        targetFormats: ["DELTA"],
        datasets: [{ tableBasePath: "s3://lake-bucket/t", tableName: "t" }],
      },
      [
        "exec | ReadTable | s3:GetObject | arn:aws:s3:::lake-bucket/t arn:aws:s3:::lake-bucket/t/*",
        'exec | ListTable | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["t","t/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/t/_delta_log/*",
      ],
    ],
    [
      "Glue catalog: GetTable, CreateTable, UpdateTable on the catalog, database and table only, in the catalog's region",
      {
        targetFormats: ["ICEBERG"],
        datasets: [{ tableBasePath: "s3://lake-bucket/sales", tableName: "Sales", namespace: "Shop" }],
        glueCatalog: { warehouse: "s3://lake-bucket/", region: "eu-west-1" },
      },
      [
        "exec | ReadTable | s3:GetObject | arn:aws:s3:::lake-bucket/sales arn:aws:s3:::lake-bucket/sales/*",
        'exec | ListTable | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["sales","sales/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/sales/metadata/*",
        "exec | GlueCatalog | glue:CreateTable,glue:GetTable,glue:UpdateTable | arn:aws:glue:eu-west-1:111122223333:catalog arn:aws:glue:eu-west-1:111122223333:database/shop arn:aws:glue:eu-west-1:111122223333:table/shop/sales",
      ],
    ],
    [
      "a local table path needs nothing",
      { targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/tmp/t", tableName: "t" }] },
      [],
    ],
  ])("%s", (_, s, want) => {
    expect(build({ kind: "xtable", ...s }).rows).toEqual(want);
  });
});

describe("Redshift statements (redshiftProcedure, redshiftSql, refreshMaterializedView)", () => {
  const wg = `arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/${WG}`;
  const status =
    'exec | SqlStatus | redshift-data:DescribeStatement | * | {"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}';
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    [
      "workgroup with a secret",
      { kind: "redshiftProcedure", procedure: "p" },
      workgroup(),
      [
        `exec | RunSql | redshift-data:ExecuteStatement | ${wg}`,
        status,
        `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
      ],
    ],
    [
      "a list of statements goes through BatchExecuteStatement",
      { kind: "redshiftSql", sql: ["a", "b"] },
      workgroup(),
      [
        `exec | RunSql | redshift-data:BatchExecuteStatement | ${wg}`,
        status,
        `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
      ],
    ],
    [
      "a one-item list is one statement",
      { kind: "redshiftSql", sql: ["a"] },
      workgroup(),
      [
        `exec | RunSql | redshift-data:ExecuteStatement | ${wg}`,
        status,
        `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
      ],
    ],
    [
      "workgroup without a secret: redshift-serverless:GetCredentials",
      { kind: "refreshMaterializedView", view: "v" },
      { connections: { redshift: { workgroup: "wg", database: "dev", workgroupId: WG } } },
      [
        `exec | RunSql | redshift-data:ExecuteStatement | ${wg}`,
        status,
        `exec | DbCredentials | redshift-serverless:GetCredentials | ${wg}`,
      ],
    ],
    [
      "cluster with dbUser: GetClusterCredentials on that user and database",
      { kind: "redshiftSql", sql: "x" },
      { connections: { redshift: { cluster: "dw", database: "dev", dbUser: "etl" } } },
      [
        "exec | RunSql | redshift-data:ExecuteStatement | arn:aws:redshift:us-east-1:111122223333:cluster:dw",
        status,
        "exec | DbCredentials | redshift:GetClusterCredentials | arn:aws:redshift:us-east-1:111122223333:dbuser:dw/etl arn:aws:redshift:us-east-1:111122223333:dbname:dw/dev",
      ],
    ],
    [
      "cluster as the IAM role: GetClusterCredentialsWithIAM on the database",
      { kind: "redshiftSql", sql: "x" },
      { connections: { redshift: { cluster: "dw", database: "dev" } } },
      [
        "exec | RunSql | redshift-data:ExecuteStatement | arn:aws:redshift:us-east-1:111122223333:cluster:dw",
        status,
        "exec | DbCredentials | redshift:GetClusterCredentialsWithIAM | arn:aws:redshift:us-east-1:111122223333:dbname:dw/dev",
      ],
    ],
    [
      "cluster with a secret",
      { kind: "redshiftSql", sql: "x" },
      { connections: { redshift: { cluster: "dw", database: "dev", secretArn: SECRET } } },
      [
        "exec | RunSql | redshift-data:ExecuteStatement | arn:aws:redshift:us-east-1:111122223333:cluster:dw",
        status,
        `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
      ],
    ],
    [
      "over an Airflow connection: no AWS API",
      { kind: "redshiftSql", sql: "x" },
      { connections: { redshift: { connId: "rs" } } },
      [],
    ],
  ])("%s", (_, s, overrides, want) => {
    expect(build(s, overrides).rows).toEqual(want);
  });

  it("a workgroup without workgroupId is reported, not guessed with a wildcard", () => {
    const built = build({ kind: "redshiftSql", sql: "x" });
    expect(built.missing).toEqual([
      'connections.redshift: needs workgroupId for pipegen iam: IAM names Redshift Serverless workgroup "analytics" by its id, not its name (aws redshift-serverless get-workgroup --workgroup-name analytics --query workgroup.workgroupId)',
    ]);
    expect(built.rows.some((r) => r.includes("workgroup/"))).toBe(false);
  });
});

describe("unload", () => {
  const wg = `arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/${WG}`;
  const dataApi = [
    `exec | RunSql | redshift-data:ExecuteStatement | ${wg}`,
    'exec | SqlStatus | redshift-data:DescribeStatement | * | {"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}',
    `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
  ];
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string | undefined, string[]]>([
    [
      "table: the operator appends /<table>_ to the key; the execution role writes there",
      { table: "t", to: "s3://out-bucket/x/${DATE}/" },
      workgroup(),
      undefined,
      [
        ...dataApi,
        "exec | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/x/*/t_*",
        'exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"x/*/t_*"}}',
      ],
    ],
    [
      "query: files start with the key itself",
      { query: "select 1", to: "s3://out-bucket/daily/" },
      workgroup(),
      undefined,
      [
        ...dataApi,
        "exec | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
      ],
    ],
    [
      "CLEANPATH deletes first",
      { query: "select 1", to: "s3://out-bucket/daily/", options: ["CLEANPATH"] },
      workgroup(),
      undefined,
      [
        ...dataApi,
        "exec | WriteUnload | s3:DeleteObject,s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
      ],
    ],
    [
      "--unload-role: Redshift assumes the connection's role_arn, which gets the S3 grants",
      { query: "select 1", to: "s3://out-bucket/daily/" },
      workgroup(),
      "arn:aws:iam::111122223333:role/rs-unload",
      [
        ...dataApi,
        "unload-role:rs-unload | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'unload-role:rs-unload | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
      ],
    ],
    [
      "over an Airflow connection UNLOAD still carries the AWS connection's credentials",
      { table: "t", to: "s3://out-bucket/x/" },
      { connections: { redshift: { connId: "rs" } } },
      undefined,
      [
        "exec | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/x/t_*",
        'exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"x/t_*"}}',
      ],
    ],
    [
      "the bucket's root: no prefix to limit the listing to",
      { query: "select 1", to: "s3://out-bucket/" },
      { connections: { redshift: { connId: "rs" } } },
      undefined,
      [
        "exec | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/*",
        "exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket",
      ],
    ],
  ])("%s", (_, s, overrides, unloadRole, want) => {
    expect(build({ kind: "unload", ...s }, overrides, unloadRole).rows).toEqual(want);
  });

  it("says that a KMS key named in the options is not covered", () => {
    expect(
      build(
        { kind: "unload", query: "q", to: "s3://out-bucket/x/", options: ["ENCRYPTED", "KMS_KEY_ID 'k'"] },
        { connections: { redshift: { connId: "rs" } } },
      ).notes,
    ).toEqual([
      "demo.s: UNLOAD encrypts with a KMS key; grant kms:GenerateDataKey on that key yourself (pipegen does not read the key from the options)",
    ]);
  });
});
