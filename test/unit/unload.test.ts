/** The unload step's spec rules and its option parser: given a step, want these problems. */
import { describe, expect, it } from "vitest";
import { parseUnloadOption } from "../../src/spec/unload-options.js";
import { basePipeline, problemsOf } from "../helpers/spec.js";

const step = (extra: Record<string, unknown>) => ({
  id: "u",
  kind: "unload",
  query: "SELECT 1",
  to: "s3://out-bucket/x/",
  ...extra,
});

describe("unload spec rules", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ["the default form is valid", {}, {}, []],
    [
      "a role ARN and known options",
      {
        iamRole: "arn:aws:iam::111122223333:role/service-role/rs",
        options: [
          "FORMAT AS PARQUET",
          "PARTITION BY (day, hour) INCLUDE",
          "MAXFILESIZE AS 1 GB",
          "DELIMITER AS '\\t'",
          "KMS_KEY_ID 'k'",
          "ENCRYPTED",
        ],
      },
      {},
      [],
    ],
    [
      "credentials in an option",
      { options: ["CREDENTIALS 'aws_iam_role=arn:aws:iam::111122223333:role/x'"] },
      {},
      [
        "steps[0].options[0]: CREDENTIALS is not allowed: pipegen never puts credentials into SQL; name the role Redshift assumes in iamRole",
      ],
    ],
    [
      "a second IAM_ROLE in an option",
      { options: ["iam_role 'arn:aws:iam::111122223333:role/x'"] },
      {},
      [
        "steps[0].options[0]: IAM_ROLE is not allowed: pipegen never puts credentials into SQL; name the role Redshift assumes in iamRole",
      ],
    ],
    [
      "an option that smuggles a quote",
      { options: ["DELIMITER AS '|' IAM_ROLE 'x'"] },
      {},
      [
        "steps[0].options[0]: is not an UNLOAD option pipegen knows (FORMAT AS CSV|PARQUET|JSON, PARTITION BY (cols) [INCLUDE], MANIFEST [VERBOSE], HEADER, PARALLEL ON|OFF, MAXFILESIZE n MB|GB, ROWGROUPSIZE n MB|GB, CLEANPATH, ALLOWOVERWRITE, ENCRYPTED [AUTO], KMS_KEY_ID '…', GZIP|BZIP2|ZSTD, DELIMITER '…', FIXEDWIDTH '…', NULL AS '…', EXTENSION '…', ADDQUOTES, ESCAPE, REGION '…')",
      ],
    ],
    [
      "iamRole that is not an ARN",
      { iamRole: "rs-unload" },
      {},
      [
        'steps[0].iamRole: must be the ARN of an IAM role associated with the namespace or cluster (arn:aws:iam::123456789012:role/redshift-unload), or "default"',
      ],
    ],
    [
      "dataApi without legacyOperator",
      { dataApi: true },
      {},
      [
        "steps[0].dataApi: applies only with legacyOperator: the UNLOAD statement runs like every Redshift step, through the Data API for a workgroup or cluster and over the connection for a connId",
      ],
    ],
    [
      "legacyOperator with iamRole",
      { legacyOperator: true, iamRole: "default" },
      {},
      [
        "steps[0].iamRole: RedshiftToS3Operator (legacyOperator) ignores iamRole: it takes the role from the AWS connection's role_arn, or sends the worker's credentials; drop legacyOperator to use iamRole",
      ],
    ],
    [
      "legacyOperator, dataApi: false and a workgroup: there is no SQL connection to run it over",
      { legacyOperator: true, dataApi: false },
      {},
      [
        "steps[0].dataApi: false runs UNLOAD over an Airflow Redshift connection, but connections.redshift names a workgroup or cluster, not a connId; drop dataApi, or set connections.redshift to { connId }",
      ],
    ],
    [
      "legacyOperator, dataApi: false over a connId is fine",
      { legacyOperator: true, dataApi: false },
      { connections: { redshift: { connId: "rs" } } },
      [],
    ],
  ])("%s", (_, extra, overrides, want) => {
    expect(problemsOf(basePipeline({ steps: [step(extra)], ...overrides }))).toEqual(want);
  });
});

describe("parseUnloadOption", () => {
  it.each<[string, unknown]>([
    ["format as parquet", { kind: "format", format: "PARQUET" }],
    ["CSV", { kind: "format", format: "CSV" }],
    ["PARTITION BY ( a , b )", { kind: "partition", columns: ["a", "b"], include: false }],
    ["PARALLEL FALSE", { kind: "parallel", on: false }],
    ["PARALLEL", { kind: "parallel", on: true }],
    ["CLEANPATH", { kind: "cleanPath" }],
    ["MANIFEST VERBOSE", { kind: "manifest", verbose: true }],
    ["KMS_KEY_ID 'it''s'", { kind: "kmsKey", key: "it's" }],
    ["REGION AS 'eu-west-1'", { kind: "region", region: "eu-west-1" }],
  ])("%s", (text, want) => {
    expect(parseUnloadOption(text)).toEqual(want);
  });

  it.each([
    "DELIMITER '\\''",
    "NULL AS 'x'; DROP TABLE t",
    "ACCESS_KEY_ID 'AKIA'",
    "SESSION_TOKEN 'x'",
    "MASTER_SYMMETRIC_KEY 'x'",
    "FORMAT AS ORC",
  ])("refuses %s", (text) => {
    expect(parseUnloadOption(text)).toHaveProperty("problem");
  });
});
