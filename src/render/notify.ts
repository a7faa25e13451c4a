/**
 * Notifications as Airflow callbacks: each target becomes a notifier object
 * in the callback list, the Amazon provider's SnsNotifier for an SNS topic
 * (it publishes as the pipeline's AWS connection) and the Slack provider's
 * SlackWebhookNotifier for a Slack webhook connection. Notifiers render their
 * text with Jinja in the callback's context, so the default texts use only
 * names every context has: at DAG level on Airflow 3 that is dag, run_id and
 * reason.
 */
import type { ResolvedPipeline } from "../resolve/index.js";
import type { Notify, NotifyTarget } from "../spec/common.js";
import type { OperatorClass } from "./model.js";
import { PyCall, type PyValue } from "./python.js";

export const SNS_NOTIFIER: OperatorClass = {
  module: "airflow.providers.amazon.aws.notifications.sns",
  name: "SnsNotifier",
};

export const SLACK_NOTIFIER: OperatorClass = {
  module: "airflow.providers.slack.notifications.slack_webhook",
  name: "SlackWebhookNotifier",
};

export type NotifyLevel = "dag" | "task";
export type NotifyEvent = "failure" | "success";

/** The default subject and text of a notification. */
export function defaultTexts(level: NotifyLevel, event: NotifyEvent): { subject: string; message: string } {
  const verb = event === "failure" ? "failed" : "succeeded";
  if (level === "dag")
    return {
      subject: `Airflow: DAG {{ dag.dag_id }} ${verb}`,
      message:
        event === "failure"
          ? "DAG {{ dag.dag_id }}, run {{ run_id }}, failed: {{ reason }}"
          : "DAG {{ dag.dag_id }}, run {{ run_id }}, succeeded.",
    };
  return {
    subject: `Airflow: task {{ ti.task_id }} of {{ dag.dag_id }} ${verb}`,
    message: `Task {{ ti.task_id }} of DAG {{ dag.dag_id }}, run {{ run_id }}, ${verb} (try {{ ti.try_number }}).`,
  };
}

/** The notifier objects for one event, or undefined when the spec names no target for it. */
export function notifiers(
  notify: Notify | undefined,
  event: NotifyEvent,
  level: NotifyLevel,
  ctx: ResolvedPipeline,
): PyValue | undefined {
  const targets = event === "failure" ? notify?.onFailure : notify?.onSuccess;
  if (!targets) return undefined;
  return targets.map((t) => notifier(t, defaultTexts(level, event), ctx));
}

function notifier(target: NotifyTarget, texts: { subject: string; message: string }, ctx: ResolvedPipeline): PyCall {
  if ("sns" in target)
    return call(SNS_NOTIFIER, [
      ["aws_conn_id", ctx.pipeline.connections.aws],
      ["target_arn", target.sns],
      ["subject", target.subject ?? texts.subject],
      ["message", target.message ?? texts.message],
    ]);
  return call(SLACK_NOTIFIER, [
    ["slack_webhook_conn_id", target.slack],
    ["text", target.message ?? texts.message],
  ]);
}

function call(cls: OperatorClass, kwargs: ReadonlyArray<readonly [string, PyValue]>): PyCall {
  return new PyCall(cls.name, [], kwargs, [`from ${cls.module} import ${cls.name}`]);
}
