/**
 * The UNLOAD statements pipegen builds, as Redshift receives them: rendered
 * by real Airflow (real Jinja, both majors, scheduled and manual runs), then
 * read by sqlglot's Redshift lexer and parser (test/python/check_unload.py).
 * The query Redshift runs must be exactly the spec's query with its dates
 * filled in: a quote written as '' (O''Brien) survives, and so does a
 * backslash, and no credential is anywhere in the statement.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPipelines } from "../src/pipeline-run.js";
import { taskGraph } from "../src/render/task-graph.js";
import { writeBundle } from "../src/write/index.js";
import { ROOT } from "./helpers/cli.js";
import { GOLDEN_TARGETS, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson, venvBin } from "./helpers/python.js";
import { basePipeline, resolved } from "./helpers/spec.js";

const QUERY =
  "SELECT * FROM crm.people WHERE name = 'O''Brien' AND note LIKE 'a\\_%' AND d = '${DATE}' AND region = '{{ params.get('region', 'eu') }}'";

const SPECS: Record<string, string> = {
  unload_wg: `
id: unload_wg
airflowVersion: "2.10.3"
schedule: "0 6 * * *"
startDate: "2024-01-01"
connections:
  redshift: { workgroup: analytics, database: dev, secretArn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:rs-AbCdEf" }
steps:
  - id: people
    kind: unload
    query: ${JSON.stringify(QUERY)}
    to: "s3://out-bucket/"
    options: [FORMAT AS CSV, HEADER, "DELIMITER AS '|'", PARALLEL OFF, "MAXFILESIZE 100 MB", CLEANPATH, MANIFEST]
  - id: table_to_bucket
    kind: unload
    table: people
    schema: crm
    to: "s3://out-bucket/dt=\${DATE}/"
    iamRole: "arn:aws:iam::111122223333:role/service-role/rs-unload"
    options: [FORMAT AS PARQUET, "PARTITION BY (d) INCLUDE", ALLOWOVERWRITE]
`,
  unload_conn: `
id: unload_conn
airflowVersion: "2.10.3"
schedule: "0 6 * * *"
startDate: "2024-01-01"
connections:
  redshift: { connId: redshift_default }
steps:
  - id: people
    kind: unload
    query: ${JSON.stringify(QUERY)}
    to: "s3://out-bucket/day=\${DATE}/"
`,
};

interface Checked {
  error?: string;
  query: string;
  to: string;
  iam_role: string;
  options: string[];
  query_literals: string[];
  credentials: boolean;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pipegen-unload-"));
  await Promise.all(Object.entries(SPECS).map(([id, text]) => writeFile(path.join(dir, `${id}.pipeline.yaml`), text)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(statements: string[]): Promise<Checked[]> {
  const r = await execa(venvBin("tools", "python"), [`${ROOT}test/python/check_unload.py`], {
    input: JSON.stringify(statements),
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`check_unload.py exited ${r.exitCode}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.each(GOLDEN_TARGETS)("Airflow %s renders UNLOAD statements Redshift reads as written", (version) => {
  let sql: Record<string, { scheduled: string; manual: string }>;
  beforeAll(async () => {
    const out = path.join(dir, `dist-${version}`);
    await writeBundle(out, await renderPipelines({ cwd: dir, paths: ["."], airflowVersion: version }));
    const bag = await pythonJson<{
      import_errors: Record<string, string>;
      dags: Record<
        string,
        { tasks: Record<string, { rendered_scheduled: { sql: string }; rendered_manual: { sql: string } }> }
      >;
    }>(`airflow-${version}`, ["test/python/inspect_dags.py", `${out}/dags`, ...RUN_INTERVAL]);
    expect(bag.import_errors).toEqual({});
    sql = {};
    for (const [dag, d] of Object.entries(bag.dags))
      for (const [task, t] of Object.entries(d.tasks))
        sql[`${dag}.${task}`] = { scheduled: t.rendered_scheduled.sql, manual: t.rendered_manual.sql };
  });

  it("keeps O''Brien, the backslash, the run's date and raw Jinja in the query Redshift runs", async () => {
    const day = "2024-03-05";
    const manualDay = version.startsWith("2.") ? day : "2024-03-07";
    const want = (d: string) => QUERY.replace("${DATE}", d).replace("{{ params.get('region', 'eu') }}", "eu");
    const [wg, wgManual, conn] = await check([
      sql["unload_wg.people"]!.scheduled,
      sql["unload_wg.people"]!.manual,
      sql["unload_conn.people"]!.scheduled,
    ]);
    for (const [got, d] of [
      [wg, day],
      [wgManual, manualDay],
      [conn, day],
    ] as const) {
      expect(got!.error).toBeUndefined();
      expect(got!.query).toBe(want(d));
      expect(got!.query_literals.sort()).toEqual([d, "O'Brien", "a_%", "eu"].sort());
      expect(got!.iam_role).toBe("default");
      expect(got!.credentials).toBe(false);
    }
    expect(wg!.to).toBe("s3://out-bucket/");
    expect(wg!.options.join(" ")).toBe(
      "FORMAT AS CSV HEADER DELIMITER AS | PARALLEL OFF MAXFILESIZE 100 MB CLEANPATH MANIFEST",
    );
    expect(conn!.to).toBe(`s3://out-bucket/day=${day}/`);
  });

  it("names a table's files <table>_ with no double slash, and the role by ARN", async () => {
    const [got] = await check([sql["unload_wg.table_to_bucket"]!.scheduled]);
    expect(got).toEqual({
      query: "SELECT * FROM crm.people",
      to: "s3://out-bucket/dt=2024-03-05/people_",
      iam_role: "arn:aws:iam::111122223333:role/service-role/rs-unload",
      options: ["FORMAT", "AS", "PARQUET", "PARTITION BY", "(", "d", ")", "INCLUDE", "ALLOWOVERWRITE"],
      query_literals: [],
      credentials: false,
    });
  });
});

it("a table unloaded to a bare bucket reads as <bucket>/<table>_ (no template, so checked as rendered)", async () => {
  const spec = resolved(basePipeline({ steps: [{ id: "u", kind: "unload", table: "people", to: "s3://out-bucket" }] }));
  const [task] = taskGraph(spec).tasks;
  const statement = task!.kwargs.find(([k]) => k === "sql")![1] as string;
  const [got] = await check([statement]);
  expect(got).toMatchObject({
    query: "SELECT * FROM public.people",
    to: "s3://out-bucket/people_",
    credentials: false,
  });
});

it("the checker refuses what Redshift would misread (canary)", async () => {
  const results = await check([
    // The provider's un-escaping turned O''Brien into O'Brien: the literal ends early.
    "UNLOAD ('SELECT 1 WHERE n = 'O'Brien'') TO 's3://b/' IAM_ROLE default",
    "UNLOAD ('SELECT 1') TO 's3://b/' CREDENTIALS 'aws_access_key_id=AKIAABCDEFGHIJKLMNOP'",
    "UNLOAD ('DROP TABLE t') TO 's3://b/' IAM_ROLE default",
  ]);
  expect(results.map((r) => r.error !== undefined)).toEqual([true, true, true]);
});
