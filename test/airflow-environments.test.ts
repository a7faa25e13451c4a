/**
 * The example project (examples/clickstream), rendered for each of its
 * environments, imported by real Apache Airflow for the oldest and newest
 * supported version: no import errors, the exact tasks, classes and edges,
 * and every field that reads an environment value rendering to that
 * environment's value from pipegen.config.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import config from "../examples/clickstream/pipegen.config.js";
import { EXAMPLE_ENVIRONMENTS, exampleBundle, GOLDEN_TARGETS, RUN_INTERVAL } from "./helpers/golden.js";
import { pythonJson } from "./helpers/python.js";

interface Inspection {
  airflow_version: string;
  import_errors: Record<string, string>;
  dags: Record<
    string,
    {
      serialization_error: string | null;
      tasks: Record<string, { class: string; upstream: string[]; rendered_scheduled: Record<string, unknown> }>;
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
  clickstream_report: {
    refresh_sessions: [`${A}.operators.redshift_data.RedshiftDataOperator`, []],
    export_report: [`${A}.operators.redshift_data.RedshiftDataOperator`, ["refresh_sessions"]],
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
      ]);
    });

    it("imports every DAG with no import errors, and serializes them", () => {
      expect(bag.airflow_version).toBe(version);
      expect(bag.import_errors).toEqual({});
      expect(Object.keys(bag.dags).sort()).toEqual(["clickstream", "clickstream_report"]);
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
      expect(clicks.load_sessions!.rendered_scheduled.sql).toBe(
        `COPY web.sessions FROM 's3://${values.lakeBucket}/sessions/dt=2024-03-05/hour=06/' IAM_ROLE default FORMAT AS PARQUET`,
      );
      expect(report.export_report!.rendered_scheduled.sql).toBe(
        `UNLOAD ('SELECT * FROM web.sessions_daily_mv WHERE day = ''2024-03-05''') TO 's3://${values.lakeBucket}/reports/dt=2024-03-05/' IAM_ROLE '${values.unloadRole}' FORMAT AS PARQUET ALLOWOVERWRITE`,
      );
    });
  },
);
