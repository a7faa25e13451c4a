/**
 * Generates N realistic pipelines (seeded, so every run sees the same ones)
 * and expresses each of them three ways:
 *
 *   (a) a pipegen YAML spec (`<id>.pipeline.yaml`), rendered later by the real CLI;
 *   (b) a dag-factory YAML file (`<id>.yaml`) read by one loader file;
 *   (c) a hand-written Airflow DAG file (`<id>.py`) in the style of the AWS
 *       blog post's DAG (module-level constants, operators, `chain`), without
 *       its parse-time `datetime.today()`.
 *
 * The three express the same tasks, operator classes, arguments and edges.
 * The (b) and (c) emitters mirror what pipegen's renderer does for the
 * subset of spec options the generator uses (src/render/steps/*), written
 * out here rather than imported, so that (b) and (c) stay what a person
 * would write without pipegen. test/bench.test.ts compares the operator
 * classes and argument names with the renderer's task by task, and
 * equivalence.mjs checks that all three DagBags hold the same DAGs, tasks,
 * edges and argument values.
 */
import YAML from "yaml";

// ------------------------------------------------------------------ random

/** mulberry32: a tiny seeded PRNG; plenty for picking shapes. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const DOMAINS = [
  "orders",
  "customers",
  "products",
  "sales",
  "inventory",
  "shipments",
  "payments",
  "returns",
  "invoices",
  "clicks",
  "sessions",
  "campaigns",
  "suppliers",
  "stores",
  "reviews",
  "refunds",
  "subscriptions",
  "tickets",
  "devices",
  "ledger",
];
const TEAMS = ["data-engineering", "lakehouse", "finance-data", "growth-analytics", "ops-data"];
const ACCOUNT = "111122223333";

// ------------------------------------------------------------------ pipelines

/**
 * One pipeline spec in pipegen's schema (src/spec/pipeline.ts), 5–10 steps:
 * S3 sensor → [crawler] → 1–3 Glue jobs (parallel when several) → [XTable]
 * → stored procedure(s) → [SQL] → unload, with [materialized-view refresh]
 * beside the unload → [audit SQL that runs whatever happened].
 */
export function makePipeline(index, seed) {
  const r = rng(seed * 1_000_003 + index);
  const domain = DOMAINS[index % DOMAINS.length];
  const id = `${domain}_${String(index).padStart(4, "0")}`;
  const team = r.pick(TEAMS);
  const region = r.pick(["us-east-1", "eu-west-1", "us-west-2"]);
  const target = r.int(5, 10);

  // Mandatory: sensor, one Glue job, one procedure, one unload (4 steps).
  // Optional extras fill up to `target`, XTable only in ~20% of pipelines.
  const extras = ["crawler", "glue2", "refresh", "sql", "audit", "proc2", "glue3"];
  for (let i = extras.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [extras[i], extras[j]] = [extras[j], extras[i]];
  }
  if (r.chance(0.2)) extras.unshift("xtable");
  const chosen = new Set(extras.slice(0, target - 4));
  if (chosen.has("glue3") && !chosen.has("glue2")) {
    chosen.delete("glue3");
    chosen.add("glue2");
  }

  const redshift = r.chance(0.7)
    ? { workgroup: `${domain.replaceAll("_", "-")}-wg`, database: r.pick(["dev", "analytics"]) }
    : { cluster: `${domain.replaceAll("_", "-")}-dw`, database: r.pick(["dev", "analytics"]) };
  redshift.secretArn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:airflow/redshift-${domain}-${String(index).padStart(4, "0")}`;

  const steps = [];
  const wildcard = r.chance(0.5);
  steps.push({
    id: `wait_for_${domain}`,
    kind: "s3Sensor",
    bucket: `${domain}-landing-${region}`,
    key: wildcard ? `raw/${domain}/year=\${YYYY}/month=\${MM}/day=\${DD}/*.csv` : `raw/${domain}/dt=\${DATE}/_SUCCESS`,
    mode: r.pick(["reschedule", "reschedule", "deferrable", "poke"]),
    pokeInterval: r.pick(["1m", "2m", "5m"]),
    timeout: r.pick(["6h", "12h", "18h"]),
  });
  let last = [steps[0].id];

  if (chosen.has("crawler")) {
    steps.push({
      id: `crawl_${domain}`,
      kind: "glueCrawler",
      crawler: `${domain}_raw`,
      wait: r.chance(0.8) ? "sensor" : "operator",
      after: last,
    });
    last = [steps.at(-1).id];
  }

  const jobs = 1 + (chosen.has("glue2") ? 1 : 0) + (chosen.has("glue3") ? 1 : 0);
  const jobIds = [];
  for (let j = 0; j < jobs; j++) {
    const name = j === 0 ? `load_${domain}` : `load_${domain}_${["", "dims", "facts"][j]}`;
    const job = {
      id: name,
      kind: "glueJob",
      job: `${domain}_${j === 0 ? "load" : ["", "dims", "facts"][j]}`,
      after: last,
    };
    if (r.chance(0.5)) job.scriptLocation = `s3://aws-glue-assets-${ACCOUNT}-${region}/scripts/${job.job}.py`;
    if (r.chance(0.5))
      job.role = r.chance(0.5) ? `arn:aws:iam::${ACCOUNT}:role/service-role/glue-${domain}` : `glue-${domain}`;
    if (r.chance(0.6)) {
      job.glueVersion = r.pick(["4.0", "5.0"]);
      job.workerType = r.pick(["G.1X", "G.2X"]);
      job.numberOfWorkers = r.int(2, 20);
    }
    if (r.chance(0.7))
      job.args = { "--run_date": "${DATE}", "--source": `s3://${domain}-landing-${region}/raw/${domain}/` };
    job.wait = r.chance(0.7) ? "sensor" : "operator";
    if (r.chance(0.3)) job.verbose = true;
    if (r.chance(0.2)) job.executionTimeout = r.pick(["1h", "2h"]);
    steps.push(job);
    jobIds.push(name);
  }
  last = jobIds;

  if (chosen.has("xtable")) {
    const catalog = r.chance(0.5);
    const step = {
      id: `translate_${domain}`,
      kind: "xtable",
      after: last,
      targetFormats: r.chance(0.6) ? ["ICEBERG"] : ["ICEBERG", "HUDI"],
      datasets: [
        {
          tableBasePath: `s3://${domain}-lake-${region}/delta/${domain}`,
          tableName: domain,
          namespace: `${domain}_db`,
        },
      ],
      maxHeap: r.pick(["2g", "4g"]),
      syncTimeout: "45m",
    };
    if (catalog) {
      step.targetFormats = ["ICEBERG"];
      step.glueCatalog = { warehouse: `s3://${domain}-lake-${region}/`, region };
    }
    steps.push(step);
    last = [step.id];
  }

  const procs = chosen.has("proc2") ? 2 : 1;
  for (let p = 0; p < procs; p++) {
    const step = {
      id: p === 0 ? `transform_${domain}` : `merge_${domain}`,
      kind: "redshiftProcedure",
      procedure: p === 0 ? `sp_${domain}` : `sp_merge_${domain}`,
      after: last,
    };
    if (r.chance(0.5)) step.schema = "etl";
    if (r.chance(0.4)) step.args = ["${DATE}"];
    if (r.chance(0.15)) step.retries = r.int(3, 5);
    steps.push(step);
    last = [step.id];
  }

  if (chosen.has("sql")) {
    steps.push({
      id: `clear_${domain}_staging`,
      kind: "redshiftSql",
      after: last,
      sql: r.chance(0.5)
        ? `DELETE FROM staging.${domain};`
        : [`DELETE FROM staging.${domain} WHERE load_date < '\${DATE}'`, `ANALYZE staging.${domain}`],
    });
    last = [steps.at(-1).id];
  }

  const tails = [];
  if (chosen.has("refresh")) {
    steps.push({
      id: `refresh_${domain}_mv`,
      kind: "refreshMaterializedView",
      schema: "reporting",
      view: `${domain}_daily_mv`,
      after: last,
    });
    tails.push(steps.at(-1).id);
  }
  const unload = {
    id: `unload_${domain}`,
    kind: "unload",
    after: last,
    to: `s3://${domain}-exports-${region}/${domain}/dt=\${DATE}/`,
    options: ["FORMAT AS PARQUET", "ALLOWOVERWRITE"],
  };
  if (r.chance(0.5)) unload.table = `${domain}_f`;
  else unload.query = `SELECT * FROM reporting.${domain} WHERE load_date = '\${DATE}'`;
  if (chosen.has("sql") && r.chance(0.5)) unload.triggerRule = "all_done";
  steps.push(unload);
  tails.push(unload.id);

  if (chosen.has("audit")) {
    steps.push({
      id: `record_${domain}_load`,
      kind: "redshiftSql",
      after: tails,
      triggerRule: "all_done",
      sql: `INSERT INTO audit.loads (pipeline, run_date) VALUES ('${id}', '\${DATE}')`,
    });
  }

  const hour = r.int(0, 23);
  const minute = r.pick([0, 15, 30, 45]);
  const schedule = r.pick(["@daily", "@hourly", `${minute} ${hour} * * *`, `${minute} ${hour} * * 1-5`]);
  const spec = {
    id,
    description: `${domain[0].toUpperCase()}${domain.slice(1)} #${index}: S3 → Glue → Redshift → UNLOAD`,
    owner: team,
    tags: [domain, team.split("-")[0]],
    airflowVersion: "2.10.3",
    schedule,
    startDate: `2024-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`,
    maxActiveRuns: 1,
    defaults: { retries: r.int(0, 3), retryDelay: r.pick(["5m", "10m", "15m"]) },
    connections: { redshift },
    // Where deploy puts the XTable runner (validate requires it with an xtable step); no random draw.
    ...(chosen.has("xtable") ? { xtableRunner: { bucket: "bench-mwaa-bucket" } } : {}),
    steps,
  };
  if (r.chance(0.5)) spec.defaults.executionTimeout = r.pick(["1h", "2h", "3h"]);
  if (r.chance(0.3)) spec.dagrunTimeout = "20h";
  // Half the unloads name their IAM role, half use the default role of the
  // cluster or namespace. Drawn after everything else, so that every other
  // choice is what it was before unloads had a role (the pipelines the runs
  // in bench/RESULTS.md measured).
  if (r.chance(0.5)) unload.iamRole = `arn:aws:iam::${ACCOUNT}:role/redshift-unload-${domain}`;
  return spec;
}

// ------------------------------------------------------------------ spec → task model

/** Whole seconds from a pipegen duration ("5m", "1h30m" or a number). */
export function seconds(d) {
  if (typeof d === "number") return d;
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

/** A `datetime.timedelta` value. */
class Delta {
  constructor(s) {
    this.seconds = s;
  }
}
/**
 * A SQL statement as a person lays it out, one clause per line; the operator
 * gets the clauses joined by single spaces. Hand-written Python writes it as
 * adjacent string literals, dag-factory YAML as a folded block scalar.
 */
class Statement {
  constructor(clauses) {
    this.clauses = clauses;
  }
}
/** `<task>.output`: the XCom of another task (the Glue job run id). */
class Output {
  constructor(taskId) {
    this.taskId = taskId;
  }
}

const PLACEHOLDERS = { YYYY: "%Y", MM: "%m", DD: "%d", HH: "%H", DATE: "%Y-%m-%d", DATE_NODASH: "%Y%m%d" };

/** A Redshift string literal: quotes and backslashes doubled (placeholders are templated afterwards). */
const sqlLiteral = (text) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;

/** `${DATE}` → the Jinja that pipegen emits for the target Airflow major. */
function templated(text, major) {
  const date = major >= 3 ? "(data_interval_start | default(dag_run.run_after, true))" : "data_interval_start";
  return text.replace(
    /\$\{(YYYY|MM|DD|HH|DATE|DATE_NODASH)\}/g,
    (_, n) => `{{ ${date}.strftime('${PLACEHOLDERS[n]}') }}`,
  );
}

const AMAZON = "airflow.providers.amazon.aws";
/** The module each operator class of the task model is imported from. */
export const OPS = {
  S3KeySensor: `${AMAZON}.sensors.s3`,
  GlueCrawlerOperator: `${AMAZON}.operators.glue_crawler`,
  GlueCrawlerSensor: `${AMAZON}.sensors.glue_crawler`,
  GlueJobOperator: `${AMAZON}.operators.glue`,
  GlueJobSensor: `${AMAZON}.sensors.glue`,
  RedshiftDataOperator: `${AMAZON}.operators.redshift_data`,
  XTableOperator: "pipegen_xtable.operator",
};

/**
 * The tasks and edges pipegen renders for a spec, for the options the
 * generator uses: [{taskId, op, kwargs: [[name, value]]}], [[up, down]].
 * Mirrors src/render/steps/*.ts.
 */
export function taskModel(spec, major) {
  const t = (s) => templated(s, major);
  const rs = spec.connections.redshift;
  const aws = "aws_default";
  const dataApi = [
    ["database", rs.database],
    rs.workgroup ? ["workgroup_name", rs.workgroup] : ["cluster_identifier", rs.cluster],
    ["secret_arn", rs.secretArn],
  ];
  const opts = (s) => [
    ["trigger_rule", s.triggerRule],
    ["retries", s.retries],
    ["execution_timeout", s.executionTimeout === undefined ? undefined : new Delta(seconds(s.executionTimeout))],
  ];
  const tasks = [];
  const edges = [];
  const exitOf = new Map();
  const add = (taskId, op, kwargs) => tasks.push({ taskId, op, kwargs: kwargs.filter(([, v]) => v !== undefined) });
  const redshiftSql = (s, sql) =>
    add(s.id, "RedshiftDataOperator", [
      ["task_id", s.id],
      ...dataApi,
      ["sql", sql],
      ["wait_for_completion", true],
      ["aws_conn_id", aws],
      ...opts(s),
    ]);

  for (const [i, s] of spec.steps.entries()) {
    const after = s.after ?? (i === 0 ? [] : [spec.steps[i - 1].id]);
    for (const up of after) edges.push([exitOf.get(up), s.id]);
    exitOf.set(s.id, s.id);
    switch (s.kind) {
      case "s3Sensor":
        add(s.id, "S3KeySensor", [
          ["task_id", s.id],
          ["bucket_name", s.bucket],
          ["bucket_key", t(s.key)],
          ["wildcard_match", /[*?[]/.test(s.key)],
          s.mode === "deferrable" ? ["deferrable", true] : ["mode", s.mode],
          ["poke_interval", new Delta(seconds(s.pokeInterval))],
          ["timeout", new Delta(seconds(s.timeout))],
          ["aws_conn_id", aws],
          ...opts(s),
        ]);
        break;
      case "glueCrawler": {
        const operatorWaits = s.wait === "operator";
        add(s.id, "GlueCrawlerOperator", [
          ["task_id", s.id],
          ["config", { Name: s.crawler }],
          ["wait_for_completion", operatorWaits],
          ["poll_interval", operatorWaits ? 30 : undefined],
          ["aws_conn_id", aws],
          ...opts(s),
        ]);
        if (!operatorWaits) {
          const w = `wait_for_${s.id}`;
          add(w, "GlueCrawlerSensor", [
            ["task_id", w],
            ["crawler_name", s.crawler],
            ["poke_interval", new Delta(30)],
            ["mode", "reschedule"],
            ["aws_conn_id", aws],
          ]);
          edges.push([s.id, w]);
          exitOf.set(s.id, w);
        }
        break;
      }
      case "glueJob": {
        const operatorWaits = s.wait === "operator";
        const cjk = Object.fromEntries(
          [
            ["GlueVersion", s.glueVersion],
            ["WorkerType", s.workerType],
            ["NumberOfWorkers", s.numberOfWorkers],
          ].filter(([, v]) => v !== undefined),
        );
        add(s.id, "GlueJobOperator", [
          ["task_id", s.id],
          ["job_name", s.job],
          ["script_location", s.scriptLocation],
          [s.role?.startsWith("arn:") ? "iam_role_arn" : "iam_role_name", s.role],
          ["create_job_kwargs", Object.keys(cjk).length ? cjk : undefined],
          ["script_args", s.args && Object.fromEntries(Object.entries(s.args).map(([k, v]) => [k, t(v)]))],
          ["wait_for_completion", operatorWaits],
          ["verbose", operatorWaits && s.verbose ? true : undefined],
          ["job_poll_interval", operatorWaits ? 30 : undefined],
          ["aws_conn_id", aws],
          ...opts(s),
        ]);
        if (!operatorWaits) {
          const w = `wait_for_${s.id}`;
          add(w, "GlueJobSensor", [
            ["task_id", w],
            ["job_name", s.job],
            ["run_id", new Output(s.id)],
            ["verbose", s.verbose || undefined],
            ["poke_interval", new Delta(30)],
            ["mode", "reschedule"],
            ["aws_conn_id", aws],
            [
              "execution_timeout",
              s.executionTimeout === undefined ? undefined : new Delta(seconds(s.executionTimeout)),
            ],
          ]);
          edges.push([s.id, w]);
          exitOf.set(s.id, w);
        }
        break;
      }
      case "xtable": {
        const datasets = s.datasets.map((d) => ({
          tableBasePath: t(d.tableBasePath),
          tableName: d.tableName,
          namespace: s.glueCatalog?.database ?? d.namespace,
        }));
        const catalog = s.glueCatalog && {
          catalogImpl: "org.apache.iceberg.aws.glue.GlueCatalog",
          catalogName: "glue",
          catalogOptions: {
            warehouse: s.glueCatalog.warehouse,
            "io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
            "client.region": s.glueCatalog.region,
          },
        };
        add(s.id, "XTableOperator", [
          ["task_id", s.id],
          ["dataset_config", { sourceFormat: "DELTA", targetFormats: s.targetFormats, datasets }],
          ["iceberg_catalog_config", catalog],
          ["max_heap", s.maxHeap],
          ["sync_timeout", new Delta(seconds(s.syncTimeout))],
          ...opts(s),
        ]);
        break;
      }
      case "redshiftProcedure": {
        const args = (s.args ?? []).map((a) => t(`'${a.replaceAll("'", "''")}'`));
        redshiftSql(s, `CALL ${s.schema ? `${s.schema}.` : ""}${s.procedure}(${args.join(", ")});`);
        break;
      }
      case "redshiftSql":
        redshiftSql(s, typeof s.sql === "string" ? t(s.sql) : s.sql.map(t));
        break;
      case "refreshMaterializedView":
        redshiftSql(s, `REFRESH MATERIALIZED VIEW ${s.schema}.${s.view};`);
        break;
      case "unload": {
        // UNLOAD ('<query>') TO '<prefix>' IAM_ROLE …, run like any other Redshift SQL.
        // A table's files are named `<to>/<table>_…`, without a doubled slash.
        const [, bucket, key] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(s.to);
        const folder = key.replace(/\/+$/, "");
        const prefix = s.table ? `${folder ? `${folder}/` : ""}${s.table}_` : key;
        const query = s.query ?? `SELECT * FROM ${s.schema ?? "public"}.${s.table}`;
        const clauses = [
          `UNLOAD (${sqlLiteral(query)})`,
          `TO ${sqlLiteral(`s3://${bucket}/${prefix}`)}`,
          `IAM_ROLE ${s.iamRole ? sqlLiteral(s.iamRole) : "default"}`,
          ...(s.options.length > 0 ? [s.options.join(" ")] : []),
        ];
        redshiftSql(s, new Statement(clauses.map(t)));
        break;
      }
      default:
        throw new Error(`generator does not know step kind ${s.kind}`);
    }
  }
  return { tasks, edges };
}

/** Airflow 3: pipegen keeps Airflow 2's data-interval meaning (src/render/dag.ts). */
const PRESET_CRON = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
};
const cronOf = (schedule) => PRESET_CRON[schedule] ?? schedule;

/** DAG-level arguments shared by (b) and (c). */
function dagArgs(spec) {
  const d = spec.defaults;
  const defaultArgs = { owner: spec.owner, retries: d.retries, retry_delay: new Delta(seconds(d.retryDelay)) };
  if (d.executionTimeout) defaultArgs.execution_timeout = new Delta(seconds(d.executionTimeout));
  const [y, m, day] = spec.startDate.split("-").map(Number);
  return { defaultArgs, start: [y, m, day] };
}

// ------------------------------------------------------------------ (a) pipegen

/** The pipegen spec as YAML, with the editor schema comment real specs carry. */
export function pipegenYaml(spec) {
  return `# yaml-language-server: $schema=../schema/pipeline.schema.json\n${YAML.stringify(spec, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

// ------------------------------------------------------------------ (b) dag-factory

function dfValue(v) {
  if (v instanceof Statement) return v;
  if (v instanceof Delta) return { __type__: "datetime.timedelta", seconds: v.seconds };
  if (v instanceof Output) return `{{ ti.xcom_pull(task_ids='${v.taskId}') }}`;
  if (Array.isArray(v)) return v.map(dfValue);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, dfValue(x)]),
    );
  return v;
}

/**
 * A dag-factory 1.x config file for one pipeline: `default` block plus one
 * DAG, tasks with `operator:` import paths and `dependencies:`. Typed values
 * use dag-factory's `__type__` casting (timedelta); the Glue job run id that
 * pipegen passes as `<task>.output` becomes the equivalent xcom_pull template,
 * since dag-factory has no XComArg syntax for classic operators.
 */
export function dagFactoryYaml(spec, major) {
  const { tasks, edges } = taskModel(spec, major);
  const { defaultArgs, start } = dagArgs(spec);
  const ups = new Map(tasks.map((t) => [t.taskId, []]));
  for (const [u, d] of edges) if (!ups.get(d).includes(u)) ups.get(d).push(u);
  const dag = {
    description: spec.description,
    schedule:
      major >= 3
        ? {
            __type__: "airflow.timetables.interval.CronDataIntervalTimetable",
            cron: cronOf(spec.schedule),
            timezone: "UTC",
          }
        : spec.schedule,
    start_date: `${start[0]}-${String(start[1]).padStart(2, "0")}-${String(start[2]).padStart(2, "0")}`,
    catchup: false,
    max_active_runs: spec.maxActiveRuns,
    tags: spec.tags,
  };
  if (spec.dagrunTimeout) dag.dagrun_timeout = dfValue(new Delta(seconds(spec.dagrunTimeout)));
  dag.tasks = Object.fromEntries(
    tasks.map((t) => {
      const conf = { operator: `${OPS[t.op]}.${t.op}` };
      for (const [k, v] of t.kwargs) if (k !== "task_id") conf[k] = dfValue(v);
      if (ups.get(t.taskId).length) conf.dependencies = ups.get(t.taskId);
      return [t.taskId, conf];
    }),
  );
  const doc = { default: { default_args: dfValue(defaultArgs) }, [spec.id]: dag };
  return YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false, customTags: [FOLDED_STATEMENT] });
}

/**
 * A statement as a folded block scalar (`>-`), one clause per line: YAML
 * joins the lines with single spaces, which gives back the statement.
 */
const FOLDED_STATEMENT = {
  identify: (v) => v instanceof Statement,
  default: true,
  tag: "tag:yaml.org,2002:str",
  resolve: (text) => text,
  stringify: ({ value }, ctx) => `>-\n${value.clauses.map((c) => `${ctx.indent}${c}`).join("\n")}`,
};

/** The one loader file dag-factory's documentation has users put in the DAGs folder. */
export const DAG_FACTORY_LOADER = `# Builds every DAG from the dag-factory YAML files under configs/.
# (Airflow only parses files that mention both "airflow" and "dag".)
from pathlib import Path

from dagfactory import load_yaml_dags

load_yaml_dags(globals_dict=globals(), dags_folder=str(Path(__file__).parent / "configs"))
`;

// ------------------------------------------------------------------ (c) hand-written

/** A Python literal (strings via JSON, which Python reads the same for these values). */
function py(v, indent = "") {
  if (v === undefined || v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Delta) {
    const [unit, size] = [
      ["days", 86400],
      ["hours", 3600],
      ["minutes", 60],
      ["seconds", 1],
    ].find(([, n]) => v.seconds % n === 0);
    return `timedelta(${unit}=${v.seconds / size})`;
  }
  if (v instanceof Output) return `${v.taskId}.output`;
  if (v instanceof Const) return v.name;
  if (v instanceof Statement) {
    const lines = v.clauses.map((c, i) => py(i < v.clauses.length - 1 ? `${c} ` : c));
    return `(\n${lines.map((l) => `${indent}    ${l}`).join("\n")}\n${indent})`;
  }
  const inner = `${indent}    `;
  if (Array.isArray(v)) {
    const one = `[${v.map((x) => py(x)).join(", ")}]`;
    return one.length <= 60 ? one : `[\n${v.map((x) => `${inner}${py(x, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  const one = `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`).join(", ")}}`;
  return one.length <= 60
    ? one
    : `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${py(x, inner)},`).join("\n")}\n${indent}}`;
}

/** A reference to a module-level constant. */
class Const {
  constructor(name) {
    this.name = name;
  }
}

/**
 * A hand-written DAG file: constants at module level as in the AWS blog
 * post's DAG, one operator per task with ints for sensor intervals,
 * `chain()` for the linear run of the graph and `>>` for fan-out/fan-in.
 */
export function handWrittenPy(spec, major) {
  const { tasks, edges } = taskModel(spec, major);
  const { defaultArgs, start } = dagArgs(spec);
  const rs = spec.connections.redshift;
  // Values a person would hoist into constants.
  const consts = [
    ["DAG_ID", spec.id],
    ["AWS_CONN_ID", "aws_default"],
    ["REDSHIFT_DATABASE", rs.database],
    rs.workgroup ? ["REDSHIFT_WORKGROUP", rs.workgroup] : ["REDSHIFT_CLUSTER", rs.cluster],
    ["REDSHIFT_SECRET_ARN", rs.secretArn],
  ];
  const constOf = new Map(consts.map(([name, value]) => [value, new Const(name)]));
  const hoist = (k, v) => {
    if (["task_id", "sql", "bucket_key"].includes(k)) return v;
    if (typeof v === "string" && constOf.has(v)) return constOf.get(v);
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Delta) && !(v instanceof Output))
      return Object.fromEntries(Object.entries(v).map(([kk, vv]) => [kk, hoist(kk, vv)]));
    return v;
  };
  const sensorSeconds = new Set(["poke_interval", "timeout"]);

  const imports = new Set();
  const lines = [];
  for (const t of tasks) {
    imports.add(`from ${OPS[t.op]} import ${t.op}`);
    lines.push(`    ${t.taskId} = ${t.op}(`);
    for (const [k, v] of t.kwargs) {
      const value = sensorSeconds.has(k) && v instanceof Delta ? v.seconds : hoist(k, v);
      lines.push(`        ${k}=${py(value, "        ")},`);
    }
    lines.push("    )", "");
  }

  // Dependencies: chain() along the longest simple path when the graph is a
  // line; otherwise explicit >> per edge (what people write for fan-in/out).
  const downs = new Map(tasks.map((t) => [t.taskId, []]));
  const ups = new Map(tasks.map((t) => [t.taskId, []]));
  for (const [u, d] of edges) {
    downs.get(u).push(d);
    ups.get(d).push(u);
  }
  const linear = tasks.every((t) => downs.get(t.taskId).length <= 1 && ups.get(t.taskId).length <= 1);
  if (linear) {
    lines.push(`    chain(${tasks.map((t) => t.taskId).join(", ")})`);
  } else {
    for (const t of tasks) {
      const u = ups.get(t.taskId);
      if (u.length === 1) lines.push(`    ${u[0]} >> ${t.taskId}`);
      else if (u.length > 1) lines.push(`    [${u.join(", ")}] >> ${t.taskId}`);
    }
  }

  const airflowImports =
    major >= 3
      ? ["from airflow.sdk import DAG, chain"]
      : ["from airflow import DAG", "from airflow.models.baseoperator import chain"];
  if (major >= 3) airflowImports.push("from airflow.timetables.interval import CronDataIntervalTimetable");
  const schedule =
    major >= 3 ? `CronDataIntervalTimetable(${py(cronOf(spec.schedule))}, timezone="UTC")` : py(spec.schedule);
  const da = Object.entries(defaultArgs).map(([k, v]) => `    ${JSON.stringify(k)}: ${py(v)},`);
  return [
    `"""${spec.description}"""`,
    "",
    "from datetime import timedelta",
    "",
    "import pendulum",
    ...airflowImports,
    ...[...imports].sort(),
    "",
    ...consts.map(([name, value]) => `${name} = ${py(value)}`),
    "",
    "default_args = {",
    ...da,
    "}",
    "",
    "with DAG(",
    "    dag_id=DAG_ID,",
    `    description=${py(spec.description)},`,
    `    schedule=${schedule},`,
    `    start_date=pendulum.datetime(${start.join(", ")}, tz="UTC"),`,
    "    catchup=False,",
    `    max_active_runs=${spec.maxActiveRuns},`,
    ...(spec.dagrunTimeout ? [`    dagrun_timeout=${py(new Delta(seconds(spec.dagrunTimeout)))},`] : []),
    "    default_args=default_args,",
    `    tags=${py(spec.tags)},`,
    ") as dag:",
    ...lines,
    "",
  ].join("\n");
}

/** True when a pipeline uses the XTable operator (its module must sit in the DAGs folder). */
export const usesXTable = (spec) => spec.steps.some((s) => s.kind === "xtable");
