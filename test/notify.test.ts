/**
 * Notifications in the golden bundles, for the oldest and newest supported
 * Airflow: the callbacks are wired as the example spec says (DAG level and
 * step level), and each one, called the way Airflow calls it, really sends:
 * SnsNotifier publishes to moto's SNS (read back from an SQS queue subscribed
 * to the topic) and SlackWebhookNotifier posts to a local webhook server
 * (test/python/notifications.py). The texts are rendered by the notifiers'
 * own Jinja, so a name the callback context lacks fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOLDEN_TARGETS, goldenBundle } from "./helpers/golden.js";
import { type MotoServer, startMoto } from "./helpers/moto.js";
import { pythonJson } from "./helpers/python.js";

interface Sent {
  dag: string;
  task: string | null;
  event: string;
  error: string | null;
}
interface Report {
  airflow_version: string;
  import_errors: Record<string, string>;
  callbacks: Record<
    string,
    {
      on_failure: Array<Record<string, string>>;
      on_success: Array<Record<string, string>>;
      tasks: Record<string, { on_failure: Array<Record<string, string>>; on_success: Array<Record<string, string>> }>;
    }
  >;
  sent: Sent[];
  sns: Array<{ topic: string; subject: string | null; message: string }>;
  slack: Array<{ path: string; body: { text: string } }>;
}

const SNS = "airflow.providers.amazon.aws.notifications.sns.SnsNotifier";
const SLACK = "airflow.providers.slack.notifications.slack_webhook.SlackWebhookNotifier";
const TOPIC = "arn:aws:sns:us-east-1:111122223333:ml-oncall";
const RUN = "scheduled__2024-03-05T06:00:00+00:00";

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto({ MOTO_ACCOUNT_ID: "111122223333" });
});
afterAll(async () => {
  await moto.stop();
});

describe.each(GOLDEN_TARGETS)("notifications on Airflow %s", (version) => {
  let report: Report;
  beforeAll(async () => {
    report = await pythonJson<Report>(`airflow-${version}`, [
      "test/python/notifications.py",
      `${goldenBundle(version)}/dags`,
      moto.endpoint,
    ]);
  });

  it("wires the DAG's and the step's callbacks as the spec says, and no others", () => {
    expect(report.airflow_version).toBe(version);
    expect(report.import_errors).toEqual({});
    const features = report.callbacks.sales_features!;
    expect(features.on_failure).toEqual([
      {
        class: SNS,
        aws_conn_id: "aws_default",
        target_arn: TOPIC,
        subject: "Airflow: DAG {{ dag.dag_id }} failed",
        message: "DAG {{ dag.dag_id }}, run {{ run_id }}, failed: {{ reason }}",
      },
      {
        class: SLACK,
        slack_webhook_conn_id: "slack_ml_alerts",
        text: "DAG {{ dag.dag_id }}, run {{ run_id }}, failed: {{ reason }}",
      },
    ]);
    expect(features.on_success).toEqual([
      {
        class: SNS,
        aws_conn_id: "aws_default",
        target_arn: TOPIC,
        subject: "Sales features ready: {{ run_id }}",
        message: "DAG {{ dag.dag_id }}, run {{ run_id }}, succeeded.",
      },
    ]);
    expect(features.tasks).toEqual({
      announce_features: { on_failure: [], on_success: [] },
      compute_features: {
        on_failure: [
          {
            class: SLACK,
            slack_webhook_conn_id: "slack_ml_spark",
            text: "EMR Serverless job for {{ ds }} failed in {{ ti.task_id }} (try {{ ti.try_number }})",
          },
        ],
        on_success: [],
      },
      refresh_feature_cache: { on_failure: [], on_success: [] },
    });
    for (const [id, dag] of Object.entries(report.callbacks))
      if (id !== "sales_features") expect([id, dag.on_failure, dag.on_success]).toEqual([id, [], []]);
  });

  it("sends every notification without an error", () => {
    expect(report.sent.map((s) => [s.dag, s.task, s.event, s.error])).toEqual([
      ["sales_features", "compute_features", "failure", null],
      ["sales_features", null, "failure", null],
      ["sales_features", null, "failure", null],
      ["sales_features", null, "success", null],
    ]);
  });

  it("delivers the SNS notifications to the topic through moto's SNS, texts rendered", () => {
    expect(report.sns).toEqual([
      {
        topic: TOPIC,
        subject: "Airflow: DAG sales_features failed",
        message: `DAG sales_features, run ${RUN}, failed: task_failure`,
      },
      { topic: TOPIC, subject: `Sales features ready: ${RUN}`, message: `DAG sales_features, run ${RUN}, succeeded.` },
    ]);
  });

  it("posts the Slack notifications to the webhook of each connection", () => {
    expect(report.slack).toEqual([
      { path: "/slack_ml_alerts", body: { text: `DAG sales_features, run ${RUN}, failed: task_failure` } },
      {
        path: "/slack_ml_spark",
        body: { text: "EMR Serverless job for 2024-03-05 failed in compute_features (try 1)" },
      },
    ]);
  });
});
