/**
 * Spec checks that keep `pipegen iam` honest: XTable steps the runner or
 * Iceberg's GlueCatalog would refuse at run time are refused by validate, and a
 * secret in another region than the pipelines is a warning in the IAM notes.
 */
import { describe, expect, it } from "vitest";
import { buildIam } from "../../src/iam/index.js";
import { basePipeline, problemsOf, REDSHIFT, resolved } from "../helpers/spec.js";

const xtable = (extra: Record<string, unknown>) => ({
  id: "x",
  kind: "xtable",
  targetFormats: ["ICEBERG"],
  datasets: [{ tableBasePath: "s3://lake-bucket/sales", tableName: "sales", namespace: "shop" }],
  ...extra,
});

describe("xtable steps the runner or GlueCatalog would refuse", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["Delta with lower-case Glue names is fine", { glueCatalog: { warehouse: "s3://lake-bucket/" } }, []],
    [
      "a source other than Delta",
      { sourceFormat: "ICEBERG", targetFormats: ["HUDI"] },
      [
        "steps[0].sourceFormat: is ICEBERG, but the XTable runner pipegen ships reads Delta tables only and refuses any other source; use sourceFormat: DELTA (translate from the Delta table), or run XTable yourself for a ICEBERG source",
      ],
    ],
    [
      "upper-case table name and namespace registered in Glue",
      {
        datasets: [{ tableBasePath: "s3://lake-bucket/sales", tableName: "Sales", namespace: "Shop" }],
        glueCatalog: { warehouse: "s3://lake-bucket/" },
      },
      [
        "steps[0].datasets[0].tableName: has upper-case letters, which Iceberg's GlueCatalog refuses when it registers the table; write sales",
        "steps[0].datasets[0].namespace: is the Glue database and has upper-case letters, which Iceberg's GlueCatalog refuses; write shop",
      ],
    ],
    [
      "an upper-case Glue database",
      { glueCatalog: { warehouse: "s3://lake-bucket/", database: "Lake_DB" } },
      ["steps[0].glueCatalog.database: has upper-case letters, which Iceberg's GlueCatalog refuses; write lake_db"],
    ],
    [
      "upper-case names without the Glue catalog are fine (nothing is registered)",
      { datasets: [{ tableBasePath: "s3://lake-bucket/sales", tableName: "Sales", namespace: "Shop" }] },
      [],
    ],
  ])("%s", (_, extra, want) => {
    expect(problemsOf(basePipeline({ steps: [xtable(extra)] }))).toEqual(want);
  });
});

describe("create-path grants", () => {
  const sids = (step: Record<string, unknown>) =>
    buildIam([resolved(basePipeline({ steps: [{ id: "s", ...step }] }))], {
      account: "111122223333",
      region: "us-east-1",
    }).documents[0]!.policy.Statement.flatMap((s) => s.Action);
  it("a crawler the spec does not manage is only started: no CreateCrawler, UpdateCrawler or PassRole", () => {
    expect(sids({ kind: "glueCrawler", crawler: "raw" })).toEqual(["glue:GetCrawler", "glue:StartCrawler"]);
  });
  it("a job without a role can only be run: no CreateJob, GetRole or PassRole", () => {
    expect(sids({ kind: "glueJob", job: "j" })).toEqual(["glue:GetJob", "glue:GetJobRun", "glue:StartJobRun"]);
  });
});

describe("secretArn region", () => {
  const notes = (region: string) =>
    buildIam(
      [
        resolved(
          basePipeline({
            connections: { redshift: { ...REDSHIFT, workgroupId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } },
            steps: [{ id: "q", kind: "redshiftSql", sql: "SELECT 1" }],
          }),
        ),
      ],
      { account: "111122223333", region },
    ).notes.filter((n) => n.startsWith("warning:"));
  it("warns when the secret is in another region than --region", () => {
    expect(notes("eu-west-1")).toEqual([
      "warning: demo: connections.redshift.secretArn is in us-east-1, but the pipelines run in eu-west-1; the Data API reads the secret in the region of the workgroup or cluster, so a secret elsewhere fails at run time (copy it, or check --region)",
    ]);
  });
  it("is silent when they agree", () => {
    expect(notes("us-east-1")).toEqual([]);
  });
});
