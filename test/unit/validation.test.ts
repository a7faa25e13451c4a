/** Given a spec with one thing wrong, want exactly this problem. */
import { describe, expect, it } from "vitest";
import { basePipeline, problemsOf, REDSHIFT } from "../helpers/spec.js";

const step = (s: Record<string, unknown>) => basePipeline({ steps: [s] });

describe("pipeline-level rules", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["valid base", {}, []],
    [
      "id not an identifier",
      { id: "Demo-1" },
      [
        "id: must be a lowercase Python identifier (letters, digits, underscores; starts with a letter)",
        'id: is "Demo-1" but the file is named for "demo" — rename the file to Demo-1.pipeline.<ext> or set id: demo; MWAA shows a DAG only when its id matches its file',
      ],
    ],
    [
      "unsupported Airflow",
      { airflowVersion: "2.9.2" },
      ['airflowVersion: must be one of "2.10.3", "2.11.0", "3.0.6", "3.2.1", "3.3.1"; got "2.9.2"'],
    ],
    [
      "bad cron",
      { schedule: "0 25 * * *" },
      ["schedule: is not a valid cron expression: hour field '25': '25' is outside 0-23"],
    ],
    [
      "cron field count",
      { schedule: "0 6 * *" },
      [
        "schedule: is not a valid cron expression: has 4 fields; a cron expression has 5 (minute hour day-of-month month day-of-week)",
      ],
    ],
    [
      "unknown preset",
      { schedule: "@fortnightly" },
      [
        "schedule: unknown preset '@fortnightly'; use one of @once, @continuous, @hourly, @daily, @weekly, @monthly, @quarterly, @yearly",
      ],
    ],
    [
      "bad start date",
      { startDate: "2024-02-31x" },
      ["startDate: must be an ISO date such as 2024-01-01 or 2024-01-01T06:00Z (UTC)"],
    ],
    ["misspelled key", { schedul: "@daily" }, ['schedul: unknown key "schedul" — did you mean "schedule"?']],
    [
      "password in connection",
      { connections: { redshift: { ...REDSHIFT, password: "hunter2" } } },
      [
        'connections.redshift.password: unknown key "password" — remove it; see `pipegen schema` for the allowed keys',
        // The credential gate (test/unit/credentials.test.ts) also flags the value.
        'connections.redshift.password: looks like a secret in a field named "password" — specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id',
      ],
    ],
    ["impossible date", { startDate: "2024-02-31" }, ["startDate: is not a real date: 2024-02 has days 01-29, not 31"]],
    ["missing required", { startDate: undefined }, ["startDate: is required"]],
    [
      "missing required choice",
      { airflowVersion: undefined },
      ['airflowVersion: is required — use one of "2.10.3", "2.11.0", "3.0.6", "3.2.1", "3.3.1"'],
    ],
    ["missing required union", { schedule: undefined }, ["schedule: is required"]],
    ["union of the wrong type", { schedule: 5 }, ["schedule: expected null or a string or an object, got number 5"]],
    ["no steps", { steps: [] }, ["steps: needs at least 1 item"]],
    [
      "bad secret ARN",
      { connections: { redshift: { ...REDSHIFT, secretArn: "arn:aws:s3:::bucket" } } },
      [
        "connections.redshift.secretArn: must be an ARN like arn:aws:secretsmanager:us-east-1:123456789012:secret:airflow/redshift-AbCdEf",
      ],
    ],
  ])("%s", (_, overrides, want) => {
    expect(problemsOf(basePipeline(overrides))).toEqual(want);
  });
});

describe("step rules", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "unknown kind",
      { id: "a", kind: "glueCrawlr" },
      ['steps[0].kind: unknown kind "glueCrawlr" — did you mean "glueCrawler"?'],
    ],
    ["wrong type", { id: "a", kind: "glueCrawler", crawler: 5 }, ["steps[0].crawler: expected a string, got number 5"]],
    [
      "invalid bucket",
      { id: "a", kind: "s3Sensor", bucket: "My_Bucket", key: "x" },
      [
        "steps[0].bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      ],
    ],
    [
      "bucket like an IP",
      { id: "a", kind: "s3Sensor", bucket: "192.168.1.1", key: "x" },
      ["steps[0].bucket: is not a valid S3 bucket name: must not look like an IP address"],
    ],
    [
      "unknown placeholder",
      { id: "a", kind: "s3Sensor", bucket: "landing", key: "in/${YYY}/" },
      [
        "steps[0].key: unknown placeholder ${YYY}; known: ${YYYY}, ${MM}, ${DD}, ${HH}, ${DATE}, ${DATE_NODASH}, ${params.<name>}",
      ],
    ],
    [
      "bad mode",
      { id: "a", kind: "s3Sensor", bucket: "landing", key: "x", mode: "pok" },
      ['steps[0].mode: must be one of "poke", "reschedule", "deferrable"; got "pok" — did you mean "poke"?'],
    ],
    [
      "bad duration",
      { id: "a", kind: "s3Sensor", bucket: "landing", key: "x", timeout: "10 minutes" },
      ["steps[0].timeout: must be a duration: seconds as a positive integer, or a string like 30s, 5m, 1h30m, 2d"],
    ],
    [
      "script not s3",
      { id: "a", kind: "glueJob", job: "j", scriptLocation: "/tmp/x.py" },
      ["steps[0].scriptLocation: must be an s3:// URI such as s3://my-bucket/path/"],
    ],
    [
      "glue arg without dashes",
      { id: "a", kind: "glueJob", job: "j", args: { date: "x" } },
      ["steps[0].args.date: must start with -- (Glue job argument)"],
    ],
    [
      "SQL injection in procedure name",
      { id: "a", kind: "redshiftProcedure", procedure: "sp(); DROP TABLE x; --" },
      ["steps[0].procedure: must be a plain SQL identifier (letters, digits, '_' and '$'; no quotes or dots)"],
    ],
    [
      "view with a dot",
      { id: "a", kind: "refreshMaterializedView", view: "s.v" },
      ["steps[0].view: must be a plain SQL identifier (letters, digits, '_' and '$'; no quotes or dots)"],
    ],
    [
      "unload needs table or query",
      { id: "a", kind: "unload", to: "s3://out-bucket/x/" },
      ["steps[0].table: give exactly one of `table` or `query`"],
    ],
    [
      "unload to a bad URI",
      { id: "a", kind: "unload", table: "t", to: "https://out-bucket/x/" },
      ["steps[0].to: must be an s3:// URI such as s3://my-bucket/path/"],
    ],
    [
      "xtable source among targets",
      {
        id: "a",
        kind: "xtable",
        sourceFormat: "DELTA",
        targetFormats: ["DELTA"],
        datasets: [{ tableBasePath: "s3://lake/t", tableName: "t" }],
      },
      ["steps[0].targetFormats: must not include the source format DELTA"],
    ],
    [
      "glue catalog without iceberg",
      {
        id: "a",
        kind: "xtable",
        targetFormats: ["HUDI"],
        datasets: [{ tableBasePath: "s3://lake/t", tableName: "t", namespace: "db" }],
        glueCatalog: { warehouse: "s3://lake/" },
      },
      ["steps[0].glueCatalog: registers Iceberg tables, so targetFormats must include ICEBERG"],
    ],
    [
      "xtable relative path",
      { id: "a", kind: "xtable", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "lake/t", tableName: "t" }] },
      ["steps[0].datasets[0].tableBasePath: must be an s3:// URI or an absolute path"],
    ],
    [
      "reserved step id",
      { id: "dag", kind: "s3Sensor", bucket: "landing", key: "x" },
      ["steps[0].id: is reserved in generated DAGs (dag, pendulum, timedelta, chain, datetime)"],
    ],
    [
      "keyword step id",
      { id: "import", kind: "s3Sensor", bucket: "landing", key: "x" },
      ["steps[0].id: is a Python keyword"],
    ],
  ])("%s", (_, s, want) => {
    expect(problemsOf(step(s))).toEqual(want);
  });

  it("needs xtableRunner for an xtable step: where deploy puts the runner and startup.sh fetches it", () => {
    const spec = basePipeline({
      xtableRunner: undefined,
      steps: [
        { id: "wait", kind: "s3Sensor", bucket: "landing", key: "x" },
        { id: "a", kind: "xtable", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/t", tableName: "t" }] },
        { id: "b", kind: "xtable", targetFormats: ["ICEBERG"], datasets: [{ tableBasePath: "/u", tableName: "u" }] },
      ],
    });
    expect(problemsOf(spec)).toEqual([
      "steps[1].kind: an xtable step needs xtableRunner: the MWAA environment's bucket (and deploy prefix), where pipegen deploy uploads the XTable runner and from where startup.sh fetches it — add `xtableRunner: { bucket: <the bucket pipegen deploy --bucket writes to>, prefix: <its --prefix, if any> }` at the top of the spec",
    ]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ["bucket and prefix", { bucket: "mwaa-env", prefix: "team-a/mwaa/" }, []],
    ["prefix with slashes around it", { bucket: "mwaa-env", prefix: "/team-a/" }, []],
    ["no bucket", { prefix: "team-a/" }, ["xtableRunner.bucket: is required"]],
    [
      "an invalid bucket",
      { bucket: "MWAA_env" },
      [
        "xtableRunner.bucket: is not a valid S3 bucket name: only lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
      ],
    ],
    [
      "a prefix with a wildcard (it becomes an IAM resource)",
      { bucket: "mwaa-env", prefix: "team-*/" },
      [
        "xtableRunner.prefix: must be a key prefix such as team-a/ (letters, digits, '.', '_', '-', segments separated by '/')",
      ],
    ],
    [
      "a prefix with a quote (it becomes a shell word)",
      { bucket: "mwaa-env", prefix: "it's/" },
      [
        "xtableRunner.prefix: must be a key prefix such as team-a/ (letters, digits, '.', '_', '-', segments separated by '/')",
      ],
    ],
    [
      "a .. segment",
      { bucket: "mwaa-env", prefix: "a/../b" },
      ['xtableRunner.prefix: must not have a "." or ".." segment'],
    ],
    [
      "an empty segment",
      { bucket: "mwaa-env", prefix: "a//b" },
      [
        "xtableRunner.prefix: must be a key prefix such as team-a/ (letters, digits, '.', '_', '-', segments separated by '/')",
      ],
    ],
    [
      "an unknown key",
      { bucket: "mwaa-env", key: "x" },
      ['xtableRunner.key: unknown key "key" — remove it; see `pipegen schema` for the allowed keys'],
    ],
  ])("xtableRunner: %s", (_, xtableRunner, want) => {
    expect(problemsOf(basePipeline({ xtableRunner }))).toEqual(want);
  });

  it("needs a Redshift connection for Redshift steps", () => {
    const spec = basePipeline({ connections: {}, steps: [{ id: "a", kind: "redshiftSql", sql: "SELECT 1" }] });
    expect(problemsOf(spec)).toEqual(["steps[0].kind: a redshiftSql step needs connections.redshift"]);
  });
});

describe("graph rules", () => {
  const s = (id: string, after?: string[]) => ({
    id,
    kind: "s3Sensor",
    bucket: "landing",
    key: "x",
    ...(after ? { after } : {}),
  });
  it.each<[string, unknown[], string[]]>([
    [
      "duplicate id",
      [s("a"), s("a")],
      ['steps[1].id: duplicate step id "a" — steps[0] already uses it; task ids must be unique'],
    ],
    ["unknown after", [s("a"), s("b", ["nope"])], ['steps[1].after[0]: unknown step "nope" — known steps: a, b']],
    ["self reference", [s("a", ["a"])], ["steps[0].after[0]: a step cannot run after itself"]],
    [
      "cycle",
      [s("a", ["c"]), s("b", ["a"]), s("c", ["b"])],
      ["steps[0].after: steps form a cycle: a → b → c → a — a DAG cannot loop; remove one of these `after` references"],
    ],
    ["fan-in is fine", [s("a"), s("b", []), s("c", ["a", "b"])], []],
  ])("%s", (_, steps, want) => {
    expect(problemsOf(basePipeline({ steps }))).toEqual(want);
  });

  it("checks a chain of 20,000 steps listed downstream first without exhausting the stack", () => {
    const n = 20_000;
    const steps = Array.from({ length: n }, (_, i) => s(`s${i}`, i < n - 1 ? [`s${i + 1}`] : []));
    expect(problemsOf(basePipeline({ steps }))).toEqual([]);
  });

  it("reports a cycle of 20,000 steps by its ends and its length", () => {
    const n = 20_000;
    const steps = Array.from({ length: n }, (_, i) => s(`s${i}`, [`s${(i + 1) % n}`]));
    expect(problemsOf(basePipeline({ steps }))).toEqual([
      "steps[0].after: steps form a cycle: s0 → s19999 → s19998 → s19997 → s19996 → … → s5 → s4 → s3 → s2 → s1 → s0 (20000 steps) — a DAG cannot loop; remove one of these `after` references",
    ]);
  });

  it("reports graph problems together with schema problems", () => {
    const spec = basePipeline({ steps: [s("a"), { ...s("a"), bucket: "BAD" }] });
    expect(problemsOf(spec)).toHaveLength(2);
  });
});

describe("what Airflow refuses when it imports the DAG", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["minute 60", { startDate: "2024-01-01T23:60" }, ["startDate: is not a real time: minute 60 is outside 00-59"]],
    ["hour 25", { startDate: "2024-01-01T25:00" }, ["startDate: is not a real time: hour 25 is outside 00-23"]],
    ["hour 24", { startDate: "2024-01-01T24:00Z" }, ["startDate: is not a real time: hour 24 is outside 00-23"]],
    ["second 60", { startDate: "2024-01-01T12:00:60" }, ["startDate: is not a real time: second 60 is outside 00-59"]],
    ["year 0", { startDate: "0000-01-01" }, ["startDate: is not a real date: there is no year 0"]],
    ["month 13", { startDate: "2024-13-01" }, ["startDate: is not a real date: month 13 is outside 01-12"]],
    [
      "February 29, 2023",
      { startDate: "2023-02-29" },
      ["startDate: is not a real date: 2023-02 has days 01-28, not 29"],
    ],
    ["February 29, 2024", { startDate: "2024-02-29T23:59:59Z" }, []],
    ["the last second of year 9999", { startDate: "9999-12-31T23:59:59" }, []],
    [
      "@continuous with 4 active runs",
      { schedule: "@continuous", maxActiveRuns: 4 },
      ["maxActiveRuns: must be 1 with schedule @continuous: Airflow's ContinuousTimetable allows one active run"],
    ],
    ["@continuous with the default", { schedule: "@continuous" }, []],
    [
      "February 30",
      { schedule: "0 0 30 2 *" },
      [
        "schedule: is not a valid cron expression: day of month '30' never falls in month '2', so the schedule never fires",
      ],
    ],
    [
      "the 31st of short months, on Mondays",
      { schedule: "0 0 31 apr,jun 1" },
      [
        "schedule: is not a valid cron expression: day of month '31' never falls in month 'apr,jun', so the schedule never fires",
      ],
    ],
    ["February 29 (leap years)", { schedule: "0 0 29 2 *" }, []],
    ["the 31st of any month with one", { schedule: "0 0 31 */2 *" }, []],
    [
      "a timeout past timedelta's range",
      { dagrunTimeout: "1000000000d" },
      ["dagrunTimeout: must be at most 36500d (100 years)"],
    ],
    [
      "a default past 100 years",
      { defaults: { executionTimeout: "36501d" } },
      ["defaults.executionTimeout: must be at most 36500d (100 years)"],
    ],
    [
      "seconds past 100 years, as a number",
      { defaults: { retryDelay: 36500 * 86400 + 1 } },
      ["defaults.retryDelay: must be at most 36500d (100 years)"],
    ],
    ["exactly 100 years", { defaults: { retryDelay: "36500d" } }, []],
  ])("%s", (_, overrides, want) => {
    expect(problemsOf(basePipeline(overrides))).toEqual(want);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      "a huge execution timeout",
      { executionTimeout: "1000000000d" },
      ["steps[0].executionTimeout: must be at most 36500d (100 years)"],
    ],
    [
      "a huge poke interval",
      { pokeInterval: "99999999999999999999h" },
      ["steps[0].pokeInterval: must be at most 36500d (100 years)"],
    ],
  ])("step option: %s", (_, options, want) => {
    expect(problemsOf(step({ id: "a", kind: "s3Sensor", bucket: "landing", key: "x", ...options }))).toEqual(want);
  });

  const withRule = (airflowVersion: string) =>
    basePipeline({
      airflowVersion,
      steps: [
        { id: "a", kind: "s3Sensor", bucket: "landing", key: "x" },
        { id: "b", kind: "s3Sensor", bucket: "landing", key: "y", triggerRule: "all_done_min_one_success" },
      ],
    });
  const needs31 = (version: string, flag = "") =>
    `steps[1].triggerRule: "all_done_min_one_success" needs Airflow 3.1 or later, but this DAG is rendered for Airflow ${version}${flag} — Airflow refuses an unknown trigger rule when it imports the DAG: pick another rule, or target a newer Airflow`;

  it.each<[string, string[]]>([
    ["2.10.3", [needs31("2.10.3")]],
    ["2.11.0", [needs31("2.11.0")]],
    ["3.0.6", [needs31("3.0.6")]],
    ["3.2.1", []],
    ["3.3.1", []],
  ])("all_done_min_one_success on Airflow %s", (version, want) => {
    expect(problemsOf(withRule(version))).toEqual(want);
  });

  it("checks the version that --airflow-version renders for, not the declared one", () => {
    expect(problemsOf(withRule("3.3.1"), "2.10.3")).toEqual([needs31("2.10.3", " (--airflow-version)")]);
    expect(problemsOf(withRule("2.10.3"), "3.3.1")).toEqual([]);
  });
});
