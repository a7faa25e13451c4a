/** Given a spec, want the facts resolve derives from each step, which render, IAM, deploy preflight and graph read. */
import { describe, expect, it } from "vitest";
import type { ResolvedStep } from "../../src/resolve/index.js";
import { basePipeline, REDSHIFT, resolved } from "../helpers/spec.js";

/** The facts of each step, without the spec step itself. */
function factsOf(steps: Record<string, unknown>[], overrides: Record<string, unknown> = {}) {
  return resolved(basePipeline({ steps, ...overrides })).steps.map(({ step, kind, ...facts }) => facts);
}

const only = (step: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  factsOf([{ id: "s", ...step }], overrides)[0]!;

describe("task ids and upstream tasks", () => {
  it("a step runs after the one before it; after the sensor task of a step that waits with one", () => {
    const facts = factsOf([
      { id: "crawl", kind: "glueCrawler", crawler: "c" },
      { id: "job", kind: "glueJob", job: "j", wait: "operator" },
      { id: "sql", kind: "redshiftSql", sql: "SELECT 1" },
    ]);
    expect(facts.map((f) => [f.taskIds, f.upstream, f.upstreamTaskIds])).toEqual([
      [["crawl", "wait_for_crawl"], [], []],
      [["job"], ["crawl"], ["wait_for_crawl"]],
      [["sql"], ["job"], ["job"]],
    ]);
  });

  it("after names the upstream steps, also a step further down the list", () => {
    const facts = factsOf([
      { id: "a", kind: "redshiftSql", sql: "SELECT 1", after: ["job"] },
      { id: "job", kind: "glueJob", job: "j", after: [] },
      { id: "b", kind: "redshiftSql", sql: "SELECT 2", after: ["a", "job"] },
    ]);
    expect(facts.map((f) => [f.index, f.taskIds, f.upstreamTaskIds])).toEqual([
      [0, ["a"], ["wait_for_job"]],
      [1, ["job", "wait_for_job"], []],
      [2, ["b"], ["a", "wait_for_job"]],
    ]);
  });
});

describe("s3Sensor", () => {
  it.each<[string, Record<string, unknown>, { wildcard: boolean; keyForm: string }]>([
    ["a key with * is a pattern", { key: "in/*.csv" }, { wildcard: true, keyForm: "relative" }],
    ["a key with ? is a pattern", { key: "in/part-?.csv" }, { wildcard: true, keyForm: "relative" }],
    ["a key with [ is a pattern", { key: "in/[ab].csv" }, { wildcard: true, keyForm: "relative" }],
    ["an exact key is not", { key: "in/${DATE}/_SUCCESS" }, { wildcard: false, keyForm: "relative" }],
    ["wildcard: false keeps * literal", { key: "in/*.csv", wildcard: false }, { wildcard: false, keyForm: "relative" }],
    ["wildcard: true on a plain key", { key: "in/x.csv", wildcard: true }, { wildcard: true, keyForm: "relative" }],
    ["a key with a URL scheme is sensed as a URL", { key: "part:${HH}/x.csv" }, { wildcard: false, keyForm: "url" }],
  ])("%s", (_, key, want) => {
    const facts = only({ kind: "s3Sensor", bucket: "landing", ...key });
    expect({ wildcard: "wildcard" in facts && facts.wildcard, keyForm: "keyForm" in facts && facts.keyForm }).toEqual(
      want,
    );
  });
});

describe("unload target", () => {
  it.each<[string, Record<string, unknown>, { bucket: string; prefix: string }]>([
    [
      "a table is a file name prefix",
      { table: "products", to: "s3://out/x/" },
      { bucket: "out", prefix: "x/products_" },
    ],
    [
      "no // without a trailing slash",
      { table: "products", to: "s3://out/x" },
      { bucket: "out", prefix: "x/products_" },
    ],
    ["a bare bucket", { table: "products", to: "s3://out" }, { bucket: "out", prefix: "products_" }],
    ["a bucket root with a slash", { table: "products", to: "s3://out/" }, { bucket: "out", prefix: "products_" }],
    [
      "a query: the prefix as written",
      { query: "SELECT 1", to: "s3://out/y=${YYYY}/p" },
      { bucket: "out", prefix: "y=${YYYY}/p" },
    ],
  ])("%s", (_, step, want) => {
    const facts = only({ kind: "unload", ...step }) as ResolvedStep<"unload">;
    expect(facts.target).toEqual(want);
  });
});

describe("how Redshift steps connect", () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ["a workgroup: the Data API", REDSHIFT, { via: "dataApi", connection: REDSHIFT }],
    [
      "a cluster: the Data API",
      { cluster: "c1", database: "dev" },
      { via: "dataApi", connection: { cluster: "c1", database: "dev" } },
    ],
    [
      "a connId: the Airflow connection",
      { connId: "redshift_default" },
      { via: "connection", connId: "redshift_default" },
    ],
  ])("%s", (_, redshift, want) => {
    const r = resolved(
      basePipeline({
        connections: { redshift },
        steps: [
          { id: "p", kind: "redshiftProcedure", procedure: "sp" },
          { id: "u", kind: "unload", table: "t", to: "s3://out/" },
          { id: "w", kind: "s3Sensor", bucket: "landing", key: "k" },
        ],
      }),
    );
    expect(r.redshift).toEqual(want);
    expect(r.steps.map((s) => ("redshift" in s ? s.redshift : "none"))).toEqual([want, want, "none"]);
  });
});

describe("Glue resources", () => {
  it.each<[string, Record<string, unknown>, unknown[]]>([
    [
      "an unmanaged crawler must exist",
      { kind: "glueCrawler", crawler: "c" },
      [{ kind: "crawler", name: "c", createdIfMissing: false }],
    ],
    [
      "a managed crawler is created, into its database",
      {
        kind: "glueCrawler",
        crawler: "c",
        manage: { role: "arn:aws:iam::111122223333:role/glue", database: "raw", s3Targets: ["s3://inbox/x/"] },
      },
      [
        { kind: "crawler", name: "c", createdIfMissing: true },
        { kind: "database", name: "raw", region: undefined },
      ],
    ],
    [
      "a job without a role must exist",
      { kind: "glueJob", job: "j", scriptLocation: "s3://code/j.py" },
      [{ kind: "job", name: "j", createdIfMissing: false }],
    ],
    [
      "a job with a script and a role is created",
      { kind: "glueJob", job: "j", scriptLocation: "s3://code/j.py", role: "glue" },
      [{ kind: "job", name: "j", createdIfMissing: true }],
    ],
    [
      "XTable registers each table in glueCatalog.database, else in its namespace",
      {
        kind: "xtable",
        targetFormats: ["ICEBERG"],
        datasets: [
          { tableBasePath: "s3://lake/a", tableName: "a", namespace: "one" },
          { tableBasePath: "s3://lake/b", tableName: "b", namespace: "two" },
          { tableBasePath: "s3://lake/c", tableName: "c", namespace: "one" },
        ],
        glueCatalog: { warehouse: "s3://lake/", region: "eu-west-1" },
      },
      [
        { kind: "database", name: "one", region: "eu-west-1" },
        { kind: "database", name: "two", region: "eu-west-1" },
        { kind: "table", database: "one", name: "a", region: "eu-west-1" },
        { kind: "table", database: "two", name: "b", region: "eu-west-1" },
        { kind: "table", database: "one", name: "c", region: "eu-west-1" },
      ],
    ],
    [
      "XTable without a catalog names none",
      { kind: "xtable", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "s3://lake/a", tableName: "a" }] },
      [],
    ],
    ["a Redshift step names none", { kind: "redshiftSql", sql: "SELECT 1" }, []],
  ])("%s", (_, step, want) => {
    expect(only(step).glue).toEqual(want);
  });
});
