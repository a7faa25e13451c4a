/**
 * The example project (examples/clickstream), rendered for each of its
 * environments, imported by real Apache Airflow for the oldest and newest
 * supported version: no import errors, the exact tasks, classes and edges,
 * every field that reads an environment value rendering to that
 * environment's value from pipegen.config.ts, and the run parameters: their
 * schemas and defaults as Airflow reads them, a scheduled run rendering the
 * defaults and a manual run with a conf rendering its values (the day it
 * re-runs, through dateParam).
 */
import { beforeAll, describe, expect, it } from "vitest";
import config from "../examples/clickstream/pipegen.config.js";
import { EXAMPLE_ENVIRONMENTS, exampleBundle, GOLDEN_TARGETS, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson } from "./helpers/python.js";

type AssetId = [uri: string, name: string | null];
interface Assets {
  import_errors: Record<string, string>;
  dags: Record<string, { schedule: { op: string; assets: AssetId[] } | null; outlets: Record<string, AssetId[]> }>;
}
interface Outline {
  dags: Record<string, { on_failure_callback: { class: string; target_arn?: string }[] }>;
}

interface Inspection {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      serialization_error: string | null;
      params: Record<
        string,
        { has_default: boolean; default: unknown; schema: Record<string, unknown>; description: string | null }
      >;
      groups: Record<string, { parent: string | null; tooltip: string | null; children: string[] }>;
      tasks: Record<
        string,
        {
          class: string;
          task_group: string | null;
          upstream: string[];
          rendered_scheduled: Record<string, unknown>;
          rendered_manual: Record<string, unknown>;
        }
      >;
    }
  >;
}

const A = "airflow.providers.amazon.aws";

/** task id → [operator class, upstream task ids] */
const WANT: Record<string, Record<string, [string, string[]]>> = {
  clickstream: {
    wait_for_clicks: [`${A}.sensors.s3.S3KeySensor`, []],
    crawl_clicks: [`${A}.operators.glue_crawler.GlueCrawlerOperator`, ["wait_for_clicks"]],
    wait_for_crawl_clicks: [`${A}.sensors.glue_crawler.GlueCrawlerSensor`, ["crawl_clicks"]],
    sessionize: [`${A}.operators.glue.GlueJobOperator`, ["wait_for_crawl_clicks"]],
    wait_for_sessionize: [`${A}.sensors.glue.GlueJobSensor`, ["sessionize"]],
    load_sessions: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["wait_for_sessionize"]],
  },
  clickstream_features: {
    features_refresh: [`${A}.operators.redshift_data.RedshiftDataOperator`, []],
    features_unload: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["features_refresh"]],
    refresh_recommender: [`${A}.operators.lambda_function.LambdaInvokeFunctionOperator`, ["features_unload"]],
  },
  clickstream_report: {
    refresh_sessions: [`${A}.operators.redshift_data.RedshiftDataOperator`, []],
    export_report: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["refresh_sessions"]],
    announce_report: [`${A}.operators.sns.SnsPublishOperator`, ["export_report"]],
  },
};

describe.each(EXAMPLE_ENVIRONMENTS.flatMap((env) => GOLDEN_TARGETS.map((v) => [env, v] as const)))(
  "examples/clickstream for --env %s on Airflow %s",
  (env, version) => {
    const values = { ...config.values, ...config.environments[env].values };
    let bag: Inspection;
    beforeAll(async () => {
      bag = await pythonJson<Inspection>(`airflow-${version}`, [
        "test/python/inspect_dags.py",
        `${exampleBundle(env, version)}/dags`,
        ...RUN_INTERVAL,
        "--render-all",
        "--conf",
        JSON.stringify({ report_date: "2024-02-29", region: "eu", min_events: 7 }),
      ]);
    });

    it("imports every DAG with no import errors, and serializes them", () => {
      expect(bag.airflow_version).toBe(version);
      expect(bag.import_errors).toEqual({});
      expect(Object.keys(bag.dags).sort()).toEqual(["clickstream", "clickstream_features", "clickstream_report"]);
      for (const dag of Object.values(bag.dags)) expect(dag.serialization_error).toBeNull();
    });

    it.each(Object.keys(WANT))("%s has exactly the expected tasks, classes and edges", (dagId) => {
      const tasks = bag.dags[dagId]!.tasks;
      expect(Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, [t.class, t.upstream]]))).toEqual(
        WANT[dagId],
      );
    });

    it("renders every field that reads an environment value to this environment's value", () => {
      const clicks = bag.dags.clickstream!.tasks;
      const report = bag.dags.clickstream_report!.tasks;
      expect(clicks.wait_for_clicks!.rendered_scheduled).toMatchObject({
        bucket_name: values.landingBucket,
        bucket_key: "clicks/dt=2024-03-05/hour=06/_SUCCESS",
      });
      expect(clicks.sessionize!.rendered_scheduled).toMatchObject({
        iam_role_arn: values.glueRole,
        script_location: `s3://${values.lakeBucket}/scripts/sessionize.py`,
        script_args: { "--hour": "2024-03-05T06", "--output": `s3://${values.lakeBucket}/sessions/` },
        create_job_kwargs: { NumberOfWorkers: values.glueWorkers, WorkerType: "G.1X", GlueVersion: "4.0" },
      });
      for (const task of [clicks.load_sessions!, report.refresh_sessions!, report.export_report!])
        expect(task.rendered_scheduled.workgroup_name).toBe(values.workgroup);
      expect(report.export_report!.rendered_scheduled.sql).toBe(
        `UNLOAD ('SELECT * FROM web.sessions_daily_mv WHERE day = ''2024-03-05'' AND region = ''us''') TO 's3://${values.lakeBucket}/reports/region=us/dt=2024-03-05/' IAM_ROLE '${values.unloadRole}' FORMAT AS PARQUET ALLOWOVERWRITE`,
      );
    });

    it("renders the operator step's arguments with this environment's values, the run's date and its params", () => {
      const announce = bag.dags.clickstream_report!.tasks.announce_report!;
      expect(announce.rendered_scheduled).toMatchObject({
        target_arn: values.reportTopic,
        subject: "Clickstream report 2024-03-05 (us)",
        message: `s3://${values.lakeBucket}/reports/region=us/dt=2024-03-05/`,
        message_attributes: { region: "us", day: "2024-03-05" },
      });
      expect(announce.rendered_manual).toMatchObject({
        target_arn: values.reportTopic,
        subject: "Clickstream report 2024-02-29 (eu)",
        message: `s3://${values.lakeBucket}/reports/region=eu/dt=2024-02-29/`,
        message_attributes: { region: "eu", day: "2024-02-29" },
      });
    });

    it("clickstream_features: the template's steps in its task group, scheduled on the sessions table clickstream updates, alerting this environment's topic", async () => {
      const features = bag.dags.clickstream_features!;
      expect(features.groups).toEqual({
        features: {
          parent: null,
          tooltip: "refresh the view, then UNLOAD it to S3",
          children: ["features_refresh", "features_unload"],
        },
      });
      expect(Object.fromEntries(Object.entries(features.tasks).map(([id, t]) => [id, t.task_group]))).toEqual({
        features_refresh: "features",
        features_unload: "features",
        refresh_recommender: null,
      });
      expect(features.tasks.features_unload!.rendered_scheduled.sql).toBe(
        `UNLOAD ('SELECT * FROM web.session_features_mv') TO 's3://${values.lakeBucket}/features/sessions/dt=2024-03-05/' IAM_ROLE '${values.unloadRole}' FORMAT AS PARQUET ALLOWOVERWRITE`,
      );
      expect(features.tasks.refresh_recommender!.rendered_scheduled).toMatchObject({
        function_name: values.recommenderFunction,
        payload: `{"features": "s3://${values.lakeBucket}/features/sessions/dt=2024-03-05/"}`,
      });

      const dags = `${exampleBundle(env, version)}/dags`;
      const assets = await pythonJson<Assets>(`airflow-${version}`, ["test/python/inspect_assets.py", dags]);
      expect(assets.import_errors).toEqual({});
      // Airflow 3's provider normalizes redshift:// URIs with the default port; the asset's name stays as written.
      const uri = `redshift://${values.workgroup}/web/web/sessions`;
      const sessions: AssetId = version.startsWith("2.")
        ? [uri, null]
        : [`redshift://${values.workgroup}:5439/web/web/sessions`, uri];
      expect(assets.dags.clickstream!.outlets).toEqual({ load_sessions: [sessions] });
      expect(assets.dags.clickstream_features!.schedule).toEqual({ op: "all", assets: [sessions] });

      const outline = await pythonJson<Outline>(`airflow-${version}`, ["test/python/dag_outline.py", dags]);
      expect(outline.dags.clickstream_features!.on_failure_callback).toMatchObject([
        { class: "airflow.providers.amazon.aws.notifications.sns.SnsNotifier", target_arn: values.alertsTopic },
      ]);
    });

    it("declares the run parameters with their schemas and defaults", () => {
      expect(bag.dags.clickstream!.params).toEqual({
        min_events: {
          has_default: true,
          default: 3,
          schema: { type: "integer", minimum: 1, maximum: 1000 },
          description: "Sessions with fewer events are dropped as bots",
        },
      });
      expect(bag.dags.clickstream_report!.params).toEqual({
        region: {
          has_default: true,
          default: "us",
          schema: { type: "string", enum: ["us", "eu"] },
          description: "The region whose sessions are reported",
        },
        report_date: {
          has_default: true,
          default: null,
          schema: { type: ["string", "null"], format: "date", title: "Day to re-run" },
          description: "Re-run the report of one day (YYYY-MM-DD); leave empty for the run's own day",
        },
      });
    });

    it("renders the params: defaults for a scheduled run, a manual run's conf (the day it re-runs, the region, the threshold)", () => {
      const clicks = bag.dags.clickstream!.tasks;
      expect(clicks.load_sessions!.rendered_scheduled.sql).toEqual([
        `COPY web.sessions FROM 's3://${values.lakeBucket}/sessions/dt=2024-03-05/hour=06/' IAM_ROLE default FORMAT AS PARQUET`,
        "DELETE FROM web.sessions WHERE events < 3",
      ]);
      expect((clicks.load_sessions!.rendered_manual.sql as string[])[1]).toBe(
        "DELETE FROM web.sessions WHERE events < 7",
      );
      expect(bag.dags.clickstream_report!.tasks.export_report!.rendered_manual.sql).toBe(
        `UNLOAD ('SELECT * FROM web.sessions_daily_mv WHERE day = ''2024-02-29'' AND region = ''eu''') TO 's3://${values.lakeBucket}/reports/region=eu/dt=2024-02-29/' IAM_ROLE '${values.unloadRole}' FORMAT AS PARQUET ALLOWOVERWRITE`,
      );
    });
  },
);
