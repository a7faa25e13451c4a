/**
 * Property: any string in any text field (the spec's own path included)
 * gives either a clean validation error or a DAG file that
 * - parses, with the same AST as the base spec's once every constant is
 *   masked, and as many comments: the string changed only the literal it feeds;
 * - holds the string as a literal (with date placeholders expanded where the
 *   field is templated);
 * - is already formatted as `ruff format` would, long lines included.
 * Python's own parser and ruff are the judges, each run once over every case.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import fc from "fast-check";
import { expect, it } from "vitest";
import { renderDag } from "../src/render/dag.js";
import { sqlString } from "../src/render/steps/redshift-statements.js";
import { redshiftLiteral } from "../src/render/steps/unload.js";
import { notAFileName } from "../src/render/template-files.js";
import { partitionDateExpression } from "../src/resolve/index.js";
import { airflowTarget } from "../src/spec/airflow-versions.js";
import { expandPlaceholders } from "../src/spec/placeholders.js";
import { ROOT } from "./helpers/cli.js";
import { venvBin } from "./helpers/python.js";
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
    {
      id: "crawl",
      kind: "glueCrawler",
      crawler: "c",
      manage: { role: ROLE, database: "db", s3Targets: ["s3://raw/x/"] },
    },
    { id: "job", kind: "glueJob", job: "j", role: "r", scriptLocation: "s3://code/job.py", args: { "--a": "v" } },
    {
      id: "xt",
      kind: "xtable",
      targetFormats: ["ICEBERG"],
      datasets: [{ tableBasePath: "/lake/t", tableDataPath: "/lake/t/data", tableName: "t", namespace: "n" }],
      glueCatalog: { database: "gdb", warehouse: "s3://warehouse/" },
    },
    { id: "proc", kind: "redshiftProcedure", procedure: "p", args: ["a"] },
    { id: "sql", kind: "redshiftSql", sql: ["s"] },
    { id: "mv", kind: "refreshMaterializedView", view: "v" },
    {
      id: "unload",
      kind: "unload",
      query: "q",
      to: "s3://out-bucket/x/",
      options: ["HEADER"],
      after: ["proc", "sql", "mv"],
    },
  ],
});

/** Renames step `i`, and the references to it. */
function renameStep(s: Spec, i: number, id: string): void {
  const old = stepOf(s, i).id;
  stepOf(s, i).id = id;
  for (const step of s.steps as AnyStep[])
    if (step.after) step.after = step.after.map((a: string) => (a === old ? id : a));
}
const ROLE = "arn:aws:iam::123456789012:role/crawler";

type Spec = ReturnType<typeof base>;
// biome-ignore lint/suspicious/noExplicitAny: each field sets one key of a step of its own kind.
type AnyStep = Record<string, any>;
const stepOf = (s: Spec, i: number) => s.steps[i] as AnyStep;

/**
 * Each field: how to set it, how the string must appear in the Python
 * (exactly, or inside a larger string; with placeholders expanded when
 * templated), and, when the value also picks a different keyword, a value of
 * the same kind for the base spec it is compared with.
 */
interface Field {
  readonly name: string;
  readonly set: (s: Spec, v: string) => void;
  readonly literal?: (v: string) => string;
  readonly exact?: false;
  readonly templated?: true;
  readonly like?: (v: string) => string;
  /** The value is not emitted as a literal (the spec's path lands in a comment). */
  readonly noLiteral?: true;
  /** The operator's template_ext: a value ending in one is emitted so that Airflow does not read a file. */
  readonly ext?: readonly string[];
}

const FIELDS: Field[] = [
  { name: "the spec's path", set: () => {}, noLiteral: true },
  { name: "id", set: (s, v) => void (s.id = v), noLiteral: true },
  { name: "description", set: (s, v) => void (s.description = v) },
  { name: "owner", set: (s, v) => void (s.owner = v) },
  { name: "tags[0]", set: (s, v) => void (s.tags[0] = v) },
  { name: "connections.aws", set: (s, v) => void (s.connections.aws = v) },
  { name: "connections.redshift.workgroup", set: (s, v) => void (s.connections.redshift.workgroup = v) },
  { name: "schedule", set: (s, v) => void (s.schedule = v) },
  { name: "steps[0].id", set: (s, v) => renameStep(s, 0, v), noLiteral: true },
  { name: "steps[2].id (a job with a sensor)", set: (s, v) => renameStep(s, 2, v), noLiteral: true },
  { name: "steps[4].id (one of three upstreams)", set: (s, v) => renameStep(s, 4, v), noLiteral: true },
  { name: "steps[7].id (downstream of three)", set: (s, v) => renameStep(s, 7, v), noLiteral: true },
  { name: "steps[0].doc", set: (s, v) => void (stepOf(s, 0).doc = v) },
  { name: "steps[0].bucket", set: (s, v) => void (stepOf(s, 0).bucket = v) },
  { name: "steps[0].key", set: (s, v) => void (stepOf(s, 0).key = v), templated: true },
  { name: "steps[1].crawler", set: (s, v) => void (stepOf(s, 1).crawler = v) },
  {
    name: "steps[1].manage.s3Targets[0]",
    set: (s, v) => void (stepOf(s, 1).manage.s3Targets = [`s3://raw/${v}`]),
    literal: (v) => `s3://raw/${v}`,
  },
  {
    name: "steps[2].role",
    set: (s, v) => void (stepOf(s, 2).role = v),
    like: (v) => (v.startsWith("arn:") ? ROLE : "r"),
  },
  {
    name: "steps[2].scriptLocation",
    set: (s, v) => void (stepOf(s, 2).scriptLocation = `s3://code/${v}`),
    literal: (v) => `s3://code/${v}`,
  },
  {
    name: "steps[2].args key",
    set: (s, v) => void (stepOf(s, 2).args = { [`--${v}`]: "v" }),
    literal: (v) => `--${v}`,
  },
  { name: "steps[2].args value", set: (s, v) => void (stepOf(s, 2).args = { "--a": v }), templated: true },
  {
    name: "steps[3].tableBasePath",
    set: (s, v) => void (stepOf(s, 3).datasets[0].tableBasePath = `/${v}`),
    literal: (v) => `/${v}`,
    templated: true,
  },
  {
    name: "steps[3].tableDataPath",
    set: (s, v) => void (stepOf(s, 3).datasets[0].tableDataPath = `s3://lake/${v}`),
    literal: (v) => `s3://lake/${v}`,
    templated: true,
  },
  { name: "steps[3].tableName", set: (s, v) => void (stepOf(s, 3).datasets[0].tableName = v) },
  { name: "steps[3].glueCatalog.database", set: (s, v) => void (stepOf(s, 3).glueCatalog.database = v) },
  {
    name: "steps[3].glueCatalog.warehouse",
    set: (s, v) => void (stepOf(s, 3).glueCatalog.warehouse = `s3://warehouse/${v}`),
    literal: (v) => `s3://warehouse/${v}`,
  },
  {
    name: "steps[4].args[0]",
    set: (s, v) => void (stepOf(s, 4).args = [v]),
    literal: sqlString,
    exact: false,
    templated: true,
  },
  { name: "steps[5].sql[0]", set: (s, v) => void (stepOf(s, 5).sql = [v]), templated: true, ext: [".sql"] },
  {
    name: "steps[7].query",
    set: (s, v) => void (stepOf(s, 7).query = v),
    // Inside the UNLOAD statement, as a Redshift string literal
    // (a trailing terminator is dropped: inside UNLOAD ('…') the query is not a statement).
    literal: (v) => redshiftLiteral(v.replace(/[\s;]+$/, "")),
    exact: false,
    templated: true,
  },
  {
    name: "steps[7].options[0]",
    set: (s, v) => void (stepOf(s, 7).options = [v]),
    // One clause of the UNLOAD statement, whitespace normalized; the last one ends the statement.
    literal: (v) => v.trim().replace(/\s+/g, " "),
    exact: false,
    ext: [".sql"],
  },
  {
    name: "steps[7].to",
    set: (s, v) => void (stepOf(s, 7).to = `s3://out-bucket/${v}`),
    // The TO clause of the UNLOAD statement, as a Redshift string literal.
    literal: (v) => redshiftLiteral(`s3://out-bucket/${v}`),
    exact: false,
    templated: true,
  },
];

const anyString = fc.oneof(
  // Identifiers of every length: ids name tasks, variables and edges.
  fc.stringMatching(/^[a-z][a-z0-9_]{0,150}$/),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  // Long values: the layout must still be what ruff format writes.
  fc.string({ unit: "grapheme-ascii", minLength: 60, maxLength: 300 }),
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
    'x\nimport os; os.system("echo PWNED")\n#',
    "a_very_long_identifier_".repeat(8),
    "DELETE FROM t -- from etl/cleanup.sql",
    "0,5,10,15,20,25,30,35,40,45,50,55 0-23/2 1-31 jan-dec mon-fri",
    "0,5,10,15,20,25,30,35,40,45,50,55 0-23/2,1 1-31 jan-dec mon,tue,wed,thu,fri",
    "{.sql",
  ),
);

it("any string in any field is rejected cleanly, or changes only the literal it feeds", async () => {
  const cases: string[] = [];
  const sources: string[] = [];
  let rejected = 0;
  const date = partitionDateExpression(airflowTarget("3.3.1"));
  const render = (spec: Spec, file: string) => renderDag({ ...resolved(spec), file });
  const FILE = "pipelines/demo.pipeline.yaml";
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
      const isPath = field.name === "the spec's path";
      const source = render(spec, isPath ? value : FILE);
      const like = base();
      if (field.like) field.set(like, field.like(value));
      const baseline = render(like, FILE);
      const emitted = (field.literal ?? ((v: string) => v))(value);
      // Templated fields expand date placeholders; every other field is emitted as written.
      const expanded = field.templated ? expandPlaceholders(emitted, date) : emitted;
      const expected = field.noLiteral ? null : field.ext ? notAFileName(expanded, field.ext) : expanded;
      const maskNames = field.name.endsWith(".id") || field.name.includes(".id ");
      cases.push(
        JSON.stringify({
          field: field.name,
          source,
          baseline,
          expected,
          exact: field.exact ?? true,
          mask_names: maskNames,
        }),
      );
      sources.push(source);
      return true;
    }),
    { numRuns: 3000, seed: 20261130 },
  );
  expect(cases.length).toBeGreaterThan(600);
  expect(rejected).toBeGreaterThan(0);

  const python = await execa("python3", [`${ROOT}test/python/check_literals.py`], {
    input: `${cases.join("\n")}\n`,
    reject: false,
  });
  expect(JSON.parse(python.stdout)).toEqual({ checked: cases.length, failures: [], failed: 0 });

  const dir = await mkdtemp(path.join(tmpdir(), "pipegen-property-"));
  try {
    await Promise.all(sources.map((s, i) => writeFile(path.join(dir, `case_${i}.py`), s)));
    const ruff = await execa(
      venvBin("tools", "ruff"),
      ["format", "--isolated", "--no-cache", "--check", "--output-format", "concise", dir],
      { reject: false },
    );
    expect(ruff.exitCode, ruff.stdout.split("\n").slice(0, 10).join("\n")).toBe(0);
  } finally {
    if (!process.env.KEEP_PROPERTY_CASES) await rm(dir, { recursive: true, force: true });
  }
});
