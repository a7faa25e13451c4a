/**
 * Property: any string in any string field gives either a clean validation
 * error or Python that `ast.parse` accepts, in which the string comes back
 * exactly. Python's own parser is the judge, run once over every case.
 */
import { execa } from "execa";
import fc from "fast-check";
import { expect, it } from "vitest";
import { renderDag } from "../src/render/dag.js";
import { sqlString } from "../src/render/steps/redshift-statements.js";
import { redshiftLiteral } from "../src/render/steps/unload.js";
import { partitionDateExpression } from "../src/resolve/index.js";
import { airflowTarget } from "../src/spec/airflow-versions.js";
import { expandPlaceholders } from "../src/spec/placeholders.js";
import { ROOT } from "./helpers/cli.js";
import { resolved, validate } from "./helpers/spec.js";

const base = () => ({
  id: "demo",
  description: "d",
  owner: "o",
  tags: ["t"],
  airflowVersion: "3.3.1",
  schedule: "@daily",
  startDate: "2024-01-01",
  connections: { aws: "aws_default", redshift: { workgroup: "wg", database: "dev" } },
  xtableRunner: { bucket: "mwaa-env" },
  steps: [
    { id: "sense", kind: "s3Sensor", bucket: "landing", key: "k", doc: "doc" },
    { id: "crawl", kind: "glueCrawler", crawler: "c" },
    { id: "job", kind: "glueJob", job: "j", role: "r", args: { "--a": "v" } },
    { id: "xt", kind: "xtable", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/lake/t", tableName: "t" }] },
    { id: "proc", kind: "redshiftProcedure", procedure: "p", args: ["a"] },
    { id: "sql", kind: "redshiftSql", sql: ["s"] },
    { id: "mv", kind: "refreshMaterializedView", view: "v" },
    { id: "unload", kind: "unload", query: "q", to: "s3://out-bucket/x/", options: ["HEADER"] },
  ],
});

type Spec = ReturnType<typeof base>;

/**
 * Each field: how to set it, and how the string must appear in the Python
 * (exactly, or inside a larger string; with placeholders expanded when templated).
 */
const FIELDS: Array<{
  name: string;
  set: (s: Spec, v: string) => void;
  expect?: (v: string) => string;
  exact: boolean;
  templated?: true;
}> = [
  { name: "description", set: (s, v) => void (s.description = v), exact: true },
  { name: "owner", set: (s, v) => void (s.owner = v), exact: true },
  { name: "tags[0]", set: (s, v) => void (s.tags[0] = v), exact: true },
  { name: "connections.aws", set: (s, v) => void (s.connections.aws = v), exact: true },
  { name: "steps[0].doc", set: (s, v) => void ((s.steps[0] as Record<string, unknown>).doc = v), exact: true },
  { name: "steps[0].bucket", set: (s, v) => void ((s.steps[0] as Record<string, unknown>).bucket = v), exact: true },
  {
    name: "steps[0].key",
    set: (s, v) => void ((s.steps[0] as Record<string, unknown>).key = v),
    exact: true,
    templated: true,
  },
  { name: "steps[1].crawler", set: (s, v) => void ((s.steps[1] as Record<string, unknown>).crawler = v), exact: true },
  { name: "steps[2].role", set: (s, v) => void ((s.steps[2] as Record<string, unknown>).role = v), exact: true },
  {
    name: "steps[2].args value",
    set: (s, v) => void ((s.steps[2] as Record<string, unknown>).args = { "--a": v }),
    exact: true,
    templated: true,
  },
  {
    name: "steps[3].tableBasePath",
    set: (s, v) =>
      void ((s.steps[3] as { datasets: Array<Record<string, unknown>> }).datasets[0]!.tableBasePath = `/${v}`),
    expect: (v) => `/${v}`,
    exact: true,
    templated: true,
  },
  {
    name: "steps[4].args[0]",
    set: (s, v) => void ((s.steps[4] as Record<string, unknown>).args = [v]),
    expect: sqlString,
    exact: false,
    templated: true,
  },
  {
    name: "steps[5].sql[0]",
    set: (s, v) => void ((s.steps[5] as Record<string, unknown>).sql = [v]),
    exact: true,
    templated: true,
  },
  {
    name: "steps[7].query",
    set: (s, v) => void ((s.steps[7] as Record<string, unknown>).query = v),
    // Inside the UNLOAD statement, as a Redshift string literal.
    // (a trailing terminator is dropped: inside UNLOAD ('…') the query is not a statement).
    expect: (v) => redshiftLiteral(v.replace(/[\s;]+$/, "")),
    exact: false,
    templated: true,
  },
  {
    name: "steps[7].options[0]",
    set: (s, v) => void ((s.steps[7] as Record<string, unknown>).options = [v]),
    // One clause of the UNLOAD statement, whitespace normalized.
    expect: (v) => v.trim().replace(/\s+/g, " "),
    exact: false,
  },
];

const anyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    '"',
    "'",
    '"""',
    "\\",
    "\\'",
    "{{ ds }}",
    "${DATE}",
    "\n",
    "\r\n",
    "\u2028",
    "\ud83d",
    "\x00",
    "'''\"\"\"",
    "# not a comment",
  ),
);

it("any string in any field is rejected cleanly or round-trips through ast.parse", async () => {
  const cases: string[] = [];
  let rejected = 0;
  const date = partitionDateExpression(airflowTarget("3.3.1"));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: FIELDS.length - 1 }), anyString, (fieldIndex, value) => {
      const field = FIELDS[fieldIndex]!;
      const spec = base();
      field.set(spec, value);
      const result = validate(spec);
      if (Array.isArray(result)) {
        rejected++;
        // A clean rejection: at least one located, non-empty message.
        return result.length > 0 && result.every((p) => p.message.length > 0);
      }
      const source = renderDag(resolved(spec));
      const emitted = (field.expect ?? ((v: string) => v))(value);
      // Templated fields expand date placeholders; every other field is emitted as written.
      const expected = field.templated ? expandPlaceholders(emitted, date) : emitted;
      cases.push(JSON.stringify({ source, expected, exact: field.exact }));
      return true;
    }),
    { numRuns: 1500, seed: 20261126 },
  );
  expect(cases.length).toBeGreaterThan(300);
  const python = await execa("python3", [`${ROOT}test/python/check_literals.py`], {
    input: `${cases.join("\n")}\n`,
    reject: false,
  });
  const summary = JSON.parse(python.stdout);
  expect(summary).toEqual({ checked: cases.length, failures: [], failed: 0 });
  expect(rejected).toBeGreaterThan(0);
});
