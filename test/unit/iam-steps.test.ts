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
function build(step: Record<string, unknown>, overrides: Record<string, unknown> = {}): Built {
  const r = resolved(basePipeline({ steps: [{ id: "s", ...step }], ...overrides }));
  const notes: string[] = [];
  const missing: string[] = [];
  const ctx: IamContext = {
    resolved: r,
    arns: ARNS,
    sid: (_, purpose) => purpose,
    note: (n) => notes.push(n),
    missing: (path, message) => missing.push(`${path.join(".")}: ${message}`),
  };
  return { rows: stepGrants(r.steps[0]!, ctx).map(row), notes, missing };
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
      "a role name: the hook looks its ARN up with iam:GetRole first, at any IAM path (e.g. /service-role/)",
      { role: "glue-j" },
      [
        run,
        `exec | CreateJob | glue:CreateJob | ${job}`,
        'exec | PassJobRole | iam:PassRole | arn:aws:iam::111122223333:role/glue-j arn:aws:iam::111122223333:role/*/glue-j | {"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}',
        "exec | ReadJobRole | iam:GetRole | arn:aws:iam::111122223333:role/glue-j arn:aws:iam::111122223333:role/*/glue-j",
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
      "Delta to Iceberg: read the log and metadata/ (each folder's own key too, which S3A HEADs before listing), never the data files; write metadata/ only",
      { targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "s3://lake-bucket/t/", tableName: "t" }] },
      [
        "exec | ReadLog | s3:GetObject | arn:aws:s3:::lake-bucket/t arn:aws:s3:::lake-bucket/t/ arn:aws:s3:::lake-bucket/t/_delta_log arn:aws:s3:::lake-bucket/t/_delta_log/* arn:aws:s3:::lake-bucket/t/metadata arn:aws:s3:::lake-bucket/t/metadata/*",
        'exec | ListLog | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["t","t/","t/_delta_log","t/_delta_log/*","t/metadata","t/metadata/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/t/metadata/*",
        "exec | ReadRunner | s3:GetObject | arn:aws:s3:::mwaa-env-bucket/xtable-runner/*",
      ],
    ],
    [
      "Hudi as a target: .hoodie/ is read and written, the table's folders are listed for partitions (their partition-metadata files read), _delta_log/ never written",
      {
        targetFormats: ["ICEBERG", "HUDI"],
        datasets: [{ tableBasePath: "s3://lake-bucket/t", tableDataPath: "s3://data-bucket/t/data", tableName: "t" }],
      },
      [
        "exec | ReadLog | s3:GetObject | arn:aws:s3:::lake-bucket/t arn:aws:s3:::lake-bucket/t/ arn:aws:s3:::lake-bucket/t/_delta_log arn:aws:s3:::lake-bucket/t/_delta_log/* arn:aws:s3:::lake-bucket/t/metadata arn:aws:s3:::lake-bucket/t/metadata/* arn:aws:s3:::lake-bucket/t/.hoodie arn:aws:s3:::lake-bucket/t/.hoodie/* arn:aws:s3:::lake-bucket/t/.hoodie_partition_metadata* arn:aws:s3:::lake-bucket/t/*/.hoodie_partition_metadata*",
        'exec | ListLog | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["t","t/","t/_delta_log","t/_delta_log/*","t/metadata","t/metadata/*","t/.hoodie","t/.hoodie/*","t/.hoodie_partition_metadata*","t/*/.hoodie_partition_metadata*","t/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/t/metadata/* arn:aws:s3:::lake-bucket/t/.hoodie/* arn:aws:s3:::lake-bucket/t/.hoodie_partition_metadata* arn:aws:s3:::lake-bucket/t/*/.hoodie_partition_metadata*",
        "exec | ReadRunner | s3:GetObject | arn:aws:s3:::mwaa-env-bucket/xtable-runner/*",
      ],
    ],
    [
      "Glue catalog: GetTable, CreateTable, UpdateTable on the catalog, database and table only, in the catalog's region",
      {
        targetFormats: ["ICEBERG"],
        datasets: [{ tableBasePath: "s3://lake-bucket/sales", tableName: "sales", namespace: "shop" }],
        glueCatalog: { warehouse: "s3://lake-bucket/", region: "eu-west-1" },
      },
      [
        "exec | ReadLog | s3:GetObject | arn:aws:s3:::lake-bucket/sales arn:aws:s3:::lake-bucket/sales/ arn:aws:s3:::lake-bucket/sales/_delta_log arn:aws:s3:::lake-bucket/sales/_delta_log/* arn:aws:s3:::lake-bucket/sales/metadata arn:aws:s3:::lake-bucket/sales/metadata/*",
        'exec | ListLog | s3:ListBucket | arn:aws:s3:::lake-bucket | {"StringLike":{"s3:prefix":["sales","sales/","sales/_delta_log","sales/_delta_log/*","sales/metadata","sales/metadata/*"]}}',
        "exec | WriteMetadata | s3:DeleteObject,s3:PutObject | arn:aws:s3:::lake-bucket/sales/metadata/*",
        "exec | ReadRunner | s3:GetObject | arn:aws:s3:::mwaa-env-bucket/xtable-runner/*",
        "exec | GlueCatalog | glue:CreateTable,glue:GetTable,glue:UpdateTable | arn:aws:glue:eu-west-1:111122223333:catalog arn:aws:glue:eu-west-1:111122223333:database/shop arn:aws:glue:eu-west-1:111122223333:table/shop/sales",
      ],
    ],
    [
      "a local table path needs no table grant; startup.sh still fetches the runner",
      { targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/tmp/t", tableName: "t" }] },
      ["exec | ReadRunner | s3:GetObject | arn:aws:s3:::mwaa-env-bucket/xtable-runner/*"],
    ],
  ])("%s", (_, s, want) => {
    expect(build({ kind: "xtable", ...s }).rows).toEqual(want);
  });

  it("reads the runner archives only, under the deploy prefix the spec names", () => {
    const s = { targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/tmp/t", tableName: "t" }] };
    expect(
      build({ kind: "xtable", ...s }, { xtableRunner: { bucket: "env-bucket", prefix: "/team-a/mwaa" } }).rows,
    ).toEqual(["exec | ReadRunner | s3:GetObject | arn:aws:s3:::env-bucket/team-a/mwaa/xtable-runner/*"]);
  });
});

describe("Redshift statements (redshiftProcedure, redshiftSql, refreshMaterializedView)", () => {
  const wg = `arn:aws:redshift-serverless:us-east-1:111122223333:workgroup/${WG}`;
  const status =
    'exec | SqlStatus | redshift-data:CancelStatement,redshift-data:DescribeStatement | * | {"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}';
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
    'exec | SqlStatus | redshift-data:CancelStatement,redshift-data:DescribeStatement | * | {"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}',
    `exec | ReadSecret | secretsmanager:GetSecretValue | ${SECRET}`,
  ];
  const ROLE = "arn:aws:iam::111122223333:role/service-role/rs-unload";
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    [
      "table: files are <to>/<table>_…; the default role writes there, the execution role only runs the SQL",
      { table: "t", to: "s3://out-bucket/x/${DATE}/" },
      workgroup(),
      [
        ...dataApi,
        "redshift-role:default | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/x/*/t_*",
        'redshift-role:default | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"x/*/t_*"}}',
      ],
    ],
    [
      "query with a named role: files start with the key itself",
      { query: "select 1", to: "s3://out-bucket/daily/", iamRole: ROLE },
      workgroup(),
      [
        ...dataApi,
        "redshift-role:rs-unload | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'redshift-role:rs-unload | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
      ],
    ],
    [
      "CLEANPATH deletes first",
      { query: "select 1", to: "s3://out-bucket/daily/", options: ["CLEANPATH"], iamRole: ROLE },
      workgroup(),
      [
        ...dataApi,
        "redshift-role:rs-unload | WriteUnload | s3:DeleteObject,s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'redshift-role:rs-unload | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
      ],
    ],
    [
      "a KMS key by id: GenerateDataKey and Decrypt on it, through S3 only",
      {
        query: "select 1",
        to: "s3://out-bucket/daily/",
        options: ["ENCRYPTED", "KMS_KEY_ID '1234abcd-12ab-34cd-56ef-1234567890ab'"],
        iamRole: ROLE,
      },
      workgroup(),
      [
        ...dataApi,
        "redshift-role:rs-unload | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/daily/*",
        'redshift-role:rs-unload | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"daily/*"}}',
        'redshift-role:rs-unload | UnloadKey | kms:Decrypt,kms:GenerateDataKey | arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab | {"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}',
      ],
    ],
    [
      "over an Airflow connection the execution role calls no AWS API; the role still writes",
      { table: "t", to: "s3://out-bucket/x/" },
      { connections: { redshift: { connId: "rs" } } },
      [
        "redshift-role:default | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/x/t_*",
        'redshift-role:default | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"x/t_*"}}',
      ],
    ],
    [
      "a bare bucket with a table: t_… at the root, no double slash",
      { table: "t", to: "s3://out-bucket/" },
      { connections: { redshift: { connId: "rs" } } },
      [
        "redshift-role:default | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/t_*",
        'redshift-role:default | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"t_*"}}',
      ],
    ],
    [
      "the bucket's root with a query: no prefix to limit the listing to",
      { query: "select 1", to: "s3://out-bucket" },
      { connections: { redshift: { connId: "rs" } } },
      [
        "redshift-role:default | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/*",
        "redshift-role:default | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket",
      ],
    ],
    [
      "legacyOperator: RedshiftToS3Operator hands the execution role's credentials to UNLOAD, so that role writes",
      { table: "t", to: "s3://out-bucket/x/", legacyOperator: true },
      workgroup(),
      [
        `exec | RunSql | redshift-data:ExecuteStatement | ${wg}`,
        // RedshiftToS3Operator has no on_kill: no CancelStatement.
        'exec | SqlStatus | redshift-data:DescribeStatement | * | {"StringEquals":{"redshift-data:statement-owner-iam-userid":"${aws:userid}"}}',
        dataApi[2]!,
        "exec | WriteUnload | s3:GetObject,s3:PutObject | arn:aws:s3:::out-bucket/x/t_*",
        'exec | ListUnload | s3:ListBucket | arn:aws:s3:::out-bucket | {"StringLike":{"s3:prefix":"x/t_*"}}',
      ],
    ],
  ])("%s", (_, s, overrides, want) => {
    expect(build({ kind: "unload", ...s }, overrides).rows).toEqual(want);
  });

  it("says that a KMS alias cannot be granted on, and that legacyOperator sends credentials", () => {
    expect(
      build(
        { kind: "unload", query: "q", to: "s3://out-bucket/x/", options: ["KMS_KEY_ID 'alias/exports'"] },
        { connections: { redshift: { connId: "rs" } } },
      ).notes,
    ).toEqual([
      "demo.s: runs SQL over Airflow connection rs (SQLExecuteQueryOperator), which calls no AWS API; its credentials live in the connection",
      "demo.s: KMS_KEY_ID 'alias/exports' is an alias, which IAM cannot grant on: name the key by id or ARN, or grant kms:GenerateDataKey and kms:Decrypt on it yourself",
    ]);
    expect(
      build({ kind: "unload", query: "q", to: "s3://out-bucket/x/", legacyOperator: true }, workgroup()).notes[0],
    ).toMatch(/^demo\.s: legacyOperator: RedshiftToS3Operator puts the AWS connection's session credentials/);
  });

  it("needs the role's ARN when a cross-account bucket policy must name it", () => {
    const built = build(
      { kind: "unload", query: "q", to: "s3://out-bucket/x/" },
      { ...workgroup(), aws: { account: "111122223333", bucketOwners: { "out-bucket": "444455556666" } } },
    );
    expect(built.missing).toEqual([
      "steps.0.iamRole: is the default IAM role, but bucket out-bucket belongs to account 444455556666, whose bucket policy must name the role: give iamRole as the role's ARN",
    ]);
  });
});
