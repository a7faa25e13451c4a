/** Given a step, want these tasks: operator classes and keyword arguments as emitted Python. */
import { describe, expect, it } from "vitest";
import { pyInline } from "../../src/render/python.js";
import { taskGraph } from "../../src/render/task-graph.js";
import { basePipeline, resolved } from "../helpers/spec.js";

function tasksOf(
  step: Record<string, unknown>,
  options: { airflowVersion?: "2.10.3" | "3.3.1"; connections?: unknown } = {},
) {
  const spec = basePipeline({ steps: [step], ...(options.connections ? { connections: options.connections } : {}) });
  return taskGraph(resolved(spec, options.airflowVersion)).tasks.map((t) => ({
    task: `${t.operator.module}.${t.operator.name}`,
    kwargs: Object.fromEntries(t.kwargs.filter(([, v]) => v !== undefined).map(([k, v]) => [k, pyInline(v!)])),
  }));
}

const AWS = { aws_conn_id: '"aws_default"' };

describe("s3Sensor", () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    [
      "defaults, wildcard inferred",
      { key: "in/*.csv" },
      {
        task_id: '"s"',
        bucket_name: '"landing"',
        bucket_key: '"in/*.csv"',
        wildcard_match: "True",
        mode: '"reschedule"',
        poke_interval: "timedelta(minutes=1)",
        timeout: "timedelta(hours=1)",
        ...AWS,
      },
    ],
    [
      "deferrable, exact key, placeholders",
      {
        key: "in/dt=${DATE}/_SUCCESS",
        mode: "deferrable",
        pokeInterval: "30s",
        timeout: "2h",
        triggerRule: "all_done",
        retries: 0,
      },
      {
        task_id: '"s"',
        bucket_name: '"landing"',
        bucket_key: "\"in/dt={{ data_interval_start.strftime('%Y-%m-%d') }}/_SUCCESS\"",
        wildcard_match: "False",
        deferrable: "True",
        poke_interval: "timedelta(seconds=30)",
        timeout: "timedelta(hours=2)",
        ...AWS,
        trigger_rule: '"all_done"',
        retries: "0",
      },
    ],
  ])("%s", (_, extra, want) => {
    expect(tasksOf({ id: "s", kind: "s3Sensor", bucket: "landing", ...extra })).toEqual([
      { task: "airflow.providers.amazon.aws.sensors.s3.S3KeySensor", kwargs: want },
    ]);
  });

  it("resolves a manual Airflow 3 run without a data interval from dag_run", () => {
    const [task] = tasksOf(
      { id: "s", kind: "s3Sensor", bucket: "landing", key: "y=${YYYY}" },
      { airflowVersion: "3.3.1" },
    );
    expect(task!.kwargs.bucket_key).toBe(
      "\"y={{ (data_interval_start | default(dag_run.run_after, true)).strftime('%Y') }}\"",
    );
  });
});

describe("glueCrawler", () => {
  it("waits with a sensor by default", () => {
    expect(tasksOf({ id: "crawl", kind: "glueCrawler", crawler: "products" })).toEqual([
      {
        task: "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator",
        kwargs: { task_id: '"crawl"', config: '{"Name": "products"}', wait_for_completion: "False", ...AWS },
      },
      {
        task: "airflow.providers.amazon.aws.sensors.glue_crawler.GlueCrawlerSensor",
        kwargs: {
          task_id: '"wait_for_crawl"',
          crawler_name: '"products"',
          poke_interval: "timedelta(seconds=30)",
          mode: '"reschedule"',
          ...AWS,
        },
      },
    ]);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    [
      "in the operator",
      { wait: "operator", pollInterval: 10 },
      { task_id: '"crawl"', config: '{"Name": "products"}', wait_for_completion: "True", poll_interval: "10", ...AWS },
    ],
    [
      "not at all",
      { wait: "none" },
      { task_id: '"crawl"', config: '{"Name": "products"}', wait_for_completion: "False", ...AWS },
    ],
    [
      "managed config",
      {
        wait: "none",
        manage: { role: "arn:aws:iam::111122223333:role/crawler", database: "raw", s3Targets: ["s3://landing/in/"] },
      },
      {
        task_id: '"crawl"',
        config:
          '{"Name": "products", "Role": "arn:aws:iam::111122223333:role/crawler", "DatabaseName": "raw", "Targets": {"S3Targets": [{"Path": "s3://landing/in/"}]}}',
        wait_for_completion: "False",
        ...AWS,
      },
    ],
  ])("waits %s", (_, extra, want) => {
    const tasks = tasksOf({ id: "crawl", kind: "glueCrawler", crawler: "products", ...extra });
    expect(tasks).toEqual([
      { task: "airflow.providers.amazon.aws.operators.glue_crawler.GlueCrawlerOperator", kwargs: want },
    ]);
  });
});

describe("glueJob", () => {
  it("with a sensor that reads the run id from XCom", () => {
    const tasks = tasksOf({
      id: "job",
      kind: "glueJob",
      job: "etl",
      role: "glue-etl",
      glueVersion: "4.0",
      workerType: "G.1X",
      numberOfWorkers: 2,
      args: { "--day": "${DD}" },
      verbose: true,
    });
    expect(tasks).toEqual([
      {
        task: "airflow.providers.amazon.aws.operators.glue.GlueJobOperator",
        kwargs: {
          task_id: '"job"',
          job_name: '"etl"',
          iam_role_name: '"glue-etl"',
          create_job_kwargs: '{"GlueVersion": "4.0", "WorkerType": "G.1X", "NumberOfWorkers": 2}',
          script_args: '{"--day": "{{ data_interval_start.strftime(\'%d\') }}"}',
          wait_for_completion: "False",
          ...AWS,
        },
      },
      {
        task: "airflow.providers.amazon.aws.sensors.glue.GlueJobSensor",
        kwargs: {
          task_id: '"wait_for_job"',
          job_name: '"etl"',
          run_id: "job.output",
          verbose: "True",
          poke_interval: "timedelta(seconds=30)",
          mode: '"reschedule"',
          ...AWS,
        },
      },
    ]);
  });

  it("waiting in the operator, with a role ARN", () => {
    const [task, ...rest] = tasksOf({
      id: "job",
      kind: "glueJob",
      job: "etl",
      role: "arn:aws:iam::111122223333:role/glue",
      wait: "operator",
      verbose: true,
    });
    expect(rest).toEqual([]);
    expect(task!.kwargs).toEqual({
      task_id: '"job"',
      job_name: '"etl"',
      iam_role_arn: '"arn:aws:iam::111122223333:role/glue"',
      wait_for_completion: "True",
      verbose: "True",
      job_poll_interval: "30",
      ...AWS,
    });
  });
});

describe("Redshift statements", () => {
  const dataApi = {
    database: '"dev"',
    workgroup_name: '"analytics"',
    secret_arn: '"arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-AbCdEf"',
  };
  it.each<[string, Record<string, unknown>, string]>([
    ["procedure without args", { kind: "redshiftProcedure", procedure: "sp_products" }, '"CALL sp_products();"'],
    [
      "procedure with literal args",
      { kind: "redshiftProcedure", schema: "etl", procedure: "load", args: ["O'Brien", 3, 1.5, true, null, "${DATE}"] },
      "\"CALL etl.load('O''Brien', 3, 1.5, TRUE, NULL, '{{ data_interval_start.strftime('%Y-%m-%d') }}');\"",
    ],
    ["one statement", { kind: "redshiftSql", sql: "DELETE FROM products;" }, '"DELETE FROM products;"'],
    [
      "several statements",
      { kind: "redshiftSql", sql: ["DELETE FROM a", "DELETE FROM b"] },
      '["DELETE FROM a", "DELETE FROM b"]',
    ],
    [
      "materialized view",
      { kind: "refreshMaterializedView", schema: "rpt", view: "sales_mv" },
      '"REFRESH MATERIALIZED VIEW rpt.sales_mv;"',
    ],
  ])("%s runs through the Data API", (_, s, sql) => {
    expect(tasksOf({ id: "r", ...s })).toEqual([
      {
        task: "airflow.providers.amazon.aws.operators.redshift_data.RedshiftDataOperator",
        kwargs: { task_id: '"r"', ...dataApi, sql, wait_for_completion: "True", ...AWS },
      },
    ]);
  });

  it("runs over an Airflow connection when the DAG names one", () => {
    expect(
      tasksOf(
        { id: "r", kind: "redshiftSql", sql: "SELECT 1" },
        { connections: { redshift: { connId: "redshift_default" } } },
      ),
    ).toEqual([
      {
        task: "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator",
        kwargs: { task_id: '"r"', conn_id: '"redshift_default"', sql: '"SELECT 1"' },
      },
    ]);
  });

  it("uses a cluster and database user", () => {
    const [task] = tasksOf(
      { id: "r", kind: "redshiftSql", sql: "SELECT 1" },
      { connections: { redshift: { cluster: "dw", database: "dev", dbUser: "etl" } } },
    );
    expect(task!.kwargs).toMatchObject({ cluster_identifier: '"dw"', db_user: '"etl"' });
    expect(task!.kwargs).not.toHaveProperty("secret_arn");
  });
});

describe("unload", () => {
  const SQL = "airflow.providers.common.sql.operators.sql.SQLExecuteQueryOperator";
  const DATA = "airflow.providers.amazon.aws.operators.redshift_data.RedshiftDataOperator";
  it.each<[string, Record<string, unknown>, string]>([
    [
      "a table to a prefix, default role, options kept in order",
      { table: "products_f", to: "s3://out-bucket/p/day=${DD}/", options: ["FORMAT AS PARQUET", "ALLOWOVERWRITE"] },
      "UNLOAD ('SELECT * FROM public.products_f') TO 's3://out-bucket/p/day={{ data_interval_start.strftime('%d') }}/products_f_' IAM_ROLE default FORMAT AS PARQUET ALLOWOVERWRITE",
    ],
    [
      "a table to a bare bucket: no double slash",
      { table: "sales", schema: "mart", to: "s3://out-bucket/" },
      "UNLOAD ('SELECT * FROM mart.sales') TO 's3://out-bucket/sales_' IAM_ROLE default",
    ],
    [
      "a query written as a statement loses its trailing semicolon",
      { query: "SELECT 1;\n", to: "s3://out-bucket/x/" },
      "UNLOAD ('SELECT 1') TO 's3://out-bucket/x/' IAM_ROLE default",
    ],
    [
      "a quote in the target path is escaped too",
      { query: "SELECT 1", to: "s3://out-bucket/it's/" },
      "UNLOAD ('SELECT 1') TO 's3://out-bucket/it''s/' IAM_ROLE default",
    ],
    [
      "a query to a bucket without a slash",
      { query: "SELECT 1", to: "s3://out-bucket" },
      "UNLOAD ('SELECT 1') TO 's3://out-bucket/' IAM_ROLE default",
    ],
    [
      "quotes and backslashes are doubled; placeholders and raw Jinja still render",
      {
        query: "SELECT * FROM t WHERE name = 'O''Brien' AND d = '${DATE}' AND p LIKE 'a\\_%' AND ds = '{{ ds }}'",
        to: "s3://out-bucket/x/",
        iamRole: "arn:aws:iam::111122223333:role/rs-unload",
        includeHeader: true,
        options: [
          "FORMAT AS CSV",
          "PARTITION BY (d) INCLUDE",
          "PARALLEL OFF",
          "MAXFILESIZE 100 MB",
          "CLEANPATH",
          "MANIFEST",
        ],
      },
      "UNLOAD ('SELECT * FROM t WHERE name = ''O''''Brien'' AND d = ''{{ data_interval_start.strftime('%Y-%m-%d') }}'' AND p LIKE ''a\\\\_%'' AND ds = ''{{ ds }}''') TO 's3://out-bucket/x/' IAM_ROLE 'arn:aws:iam::111122223333:role/rs-unload' FORMAT AS CSV PARTITION BY (d) INCLUDE PARALLEL OFF MAXFILESIZE 100 MB CLEANPATH MANIFEST HEADER",
    ],
  ])("%s", (_, extra, statement) => {
    const [task] = tasksOf({ id: "u", kind: "unload", ...extra });
    expect(task!.task).toBe(DATA);
    expect(task!.kwargs.sql).toBe(JSON.stringify(statement));
    expect(task!.kwargs).toMatchObject({ workgroup_name: '"analytics"', wait_for_completion: "True", ...AWS });
  });

  it("runs over an Airflow connection like any Redshift statement", () => {
    const [task] = tasksOf(
      { id: "u", kind: "unload", query: "SELECT 1", to: "s3://out-bucket/x/" },
      { connections: { redshift: { connId: "rs" } } },
    );
    expect(task).toEqual({
      task: SQL,
      kwargs: {
        task_id: '"u"',
        conn_id: '"rs"',
        sql: JSON.stringify("UNLOAD ('SELECT 1') TO 's3://out-bucket/x/' IAM_ROLE default"),
      },
    });
  });

  it("legacyOperator: RedshiftToS3Operator with the file prefix whole, so a bare bucket gives no //", () => {
    expect(
      tasksOf({
        id: "u",
        kind: "unload",
        table: "products_f",
        to: "s3://out-bucket/",
        options: ["FORMAT AS PARQUET"],
        legacyOperator: true,
      }),
    ).toEqual([
      {
        task: "airflow.providers.amazon.aws.transfers.redshift_to_s3.RedshiftToS3Operator",
        kwargs: {
          task_id: '"u"',
          s3_bucket: '"out-bucket"',
          s3_key: '"products_f_"',
          schema: '"public"',
          table: '"products_f"',
          table_as_file_name: "False",
          unload_options: '["FORMAT AS PARQUET"]',
          redshift_conn_id: '"aws_default"',
          redshift_data_api_kwargs:
            '{"database": "dev", "workgroup_name": "analytics", "secret_arn": "arn:aws:secretsmanager:us-east-1:111122223333:secret:airflow/redshift-AbCdEf", "wait_for_completion": True}',
          ...AWS,
        },
      },
    ]);
  });
});

describe("xtable", () => {
  it("to Iceberg registered in the Glue Data Catalog", () => {
    const tasks = tasksOf({
      id: "x",
      kind: "xtable",
      targetFormats: ["ICEBERG"],
      datasets: [{ tableBasePath: "s3://lake/sales", tableName: "sales" }],
      glueCatalog: { database: "sales_db", warehouse: "s3://lake/", region: "us-east-1" },
      syncTimeout: "30m",
    });
    expect(tasks).toEqual([
      {
        task: "pipegen_xtable.operator.XTableOperator",
        kwargs: {
          task_id: '"x"',
          dataset_config:
            '{"sourceFormat": "DELTA", "targetFormats": ["ICEBERG"], "datasets": [{"tableBasePath": "s3://lake/sales", "tableName": "sales", "namespace": "sales_db"}]}',
          iceberg_catalog_config:
            '{"catalogImpl": "org.apache.iceberg.aws.glue.GlueCatalog", "catalogName": "glue", "catalogOptions": {"warehouse": "s3://lake/", "io-impl": "org.apache.iceberg.aws.s3.S3FileIO", "client.region": "us-east-1"}}',
          max_heap: '"2g"',
          sync_timeout: "timedelta(minutes=30)",
        },
      },
    ]);
  });
});
