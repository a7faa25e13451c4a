/**
 * Notifications: given a spec, want exactly these problems; given a valid
 * one, want these callbacks as emitted Python and these IAM statements.
 */
import { describe, expect, it } from "vitest";
import { Arns } from "../../src/iam/arn.js";
import { buildIam } from "../../src/iam/index.js";
import { renderBundle } from "../../src/render/bundle.js";
import { pyInline } from "../../src/render/python.js";
import { taskGraph } from "../../src/render/task-graph.js";
import { basePipeline, problemsOf, resolved } from "../helpers/spec.js";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:alerts";
const glueJob = { id: "load", kind: "glueJob", job: "load" };
const withNotify = (pipelineNotify?: unknown, stepNotify?: unknown) =>
  basePipeline({
    ...(pipelineNotify ? { notify: pipelineNotify } : {}),
    steps: [{ ...glueJob, ...(stepNotify ? { notify: stepNotify } : {}) }],
  });

describe("notify validation", () => {
  it.each<[string, Record<string, unknown>, string[], ("2.10.3" | "3.3.1")?]>([
    [
      "SNS and Slack at both levels",
      withNotify({ onFailure: [{ sns: TOPIC }, { slack: "slack_alerts" }] }, { onSuccess: [{ slack: "s" }] }),
      [],
    ],
    [
      "not a topic ARN",
      withNotify({ onFailure: [{ sns: "alerts" }] }),
      ["notify.onFailure[0].sns: must be an SNS topic ARN such as arn:aws:sns:us-east-1:111122223333:pipeline-alerts"],
    ],
    [
      "a FIFO topic",
      withNotify({ onFailure: [{ sns: `${TOPIC}.fifo` }] }),
      [
        "notify.onFailure[0].sns: is a FIFO topic: the Amazon provider's SnsNotifier publishes without a message group id, which FIFO topics require",
      ],
    ],
    [
      "a webhook URL instead of a connection id",
      withNotify({ onFailure: [{ slack: "https://hooks.slack.com/services/T000/B000/XXXX" }] }),
      [
        "notify.onFailure[0].slack: must be an Airflow connection id (letters, digits, '_', '-', '.', '/')",
        "notify.onFailure[0].slack: looks like a Slack webhook URL — specs must not carry credentials: store the secret in AWS Secrets Manager and give its ARN (e.g. connections.redshift.secretArn), or keep it in an Airflow connection and give the connection id",
      ],
    ],
    [
      "neither target",
      withNotify({ onFailure: [{ email: "a@b.c" }] }),
      ["notify.onFailure[0]: must be { sns: <topic ARN> } or { slack: <Airflow connection id> }"],
    ],
    ["an empty list", withNotify({ onSuccess: [] }), ["notify.onSuccess: needs at least 1 item"]],
    [
      "a subject SNS would refuse",
      withNotify({ onFailure: [{ sns: TOPIC, subject: "two\nlines" }] }),
      ["notify.onFailure[0].subject: must be one line of printable ASCII: SNS refuses anything else in a subject"],
    ],
    [
      "a date placeholder in a text",
      withNotify(undefined, { onFailure: [{ slack: "s", message: "failed for ${DATE}" }] }),
      [
        "steps[0].notify.onFailure[0].message: ${DATE} is not expanded here: placeholders work in S3 keys, SQL, script arguments, table paths and operator arguments — use Jinja such as {{ data_interval_start.strftime('%Y-%m-%d') }} or {{ params.<name> }} if the value must change per run",
      ],
    ],
    [
      "a DAG-level text that reads what a DAG callback may not have",
      withNotify({ onFailure: [{ slack: "s", message: "{{ ds }} failed" }] }),
      [
        "notify.onFailure[0].message: uses the name 'ds' that nothing defines; Airflow fails to send a notification that renders an undefined name — a DAG's notification may read only dag, run_id, reason: Airflow 3 gives a DAG callback no more when the run has no task instance to build it from; put task details in a step's notify",
      ],
    ],
    [
      "the same text at step level",
      withNotify(undefined, { onFailure: [{ slack: "s", message: "{{ ds }} failed" }] }),
      [],
    ],
    [
      "a step-level name Airflow 3 dropped",
      withNotify(undefined, { onFailure: [{ sns: TOPIC, message: "{{ execution_date }}" }] }),
      [
        "steps[0].notify.onFailure[0].message: uses the name 'execution_date' that nothing defines; Airflow fails to send a notification that renders an undefined name — use a name of the task's template context (dag, ti, run_id, ds, data_interval_start, ...)",
      ],
      "3.3.1",
    ],
  ])("%s", (_, spec, want, version) => {
    expect(problemsOf(spec, version)).toEqual(want);
  });
});

describe("notify rendering", () => {
  it("puts failure callbacks on every task of the step and success callbacks on its last", () => {
    const graph = taskGraph(
      resolved(withNotify(undefined, { onFailure: [{ slack: "s" }], onSuccess: [{ sns: TOPIC }] })),
    );
    const callbacks = graph.tasks.map((t) => [
      t.taskId,
      ...t.kwargs
        .filter(([k, v]) => k.endsWith("_callback") && v !== undefined)
        .map(([k, v]) => `${k}=${pyInline(v!)}`),
    ]);
    expect(callbacks).toEqual([
      [
        "load",
        'on_failure_callback=[SlackWebhookNotifier(slack_webhook_conn_id="s", text="Task {{ ti.task_id }} of DAG {{ dag.dag_id }}, run {{ run_id }}, failed (try {{ ti.try_number }}).")]',
      ],
      [
        "wait_for_load",
        'on_failure_callback=[SlackWebhookNotifier(slack_webhook_conn_id="s", text="Task {{ ti.task_id }} of DAG {{ dag.dag_id }}, run {{ run_id }}, failed (try {{ ti.try_number }}).")]',
        `on_success_callback=[SnsNotifier(aws_conn_id="aws_default", target_arn="${TOPIC}", subject="Airflow: task {{ ti.task_id }} of {{ dag.dag_id }} succeeded", message="Task {{ ti.task_id }} of DAG {{ dag.dag_id }}, run {{ run_id }}, succeeded (try {{ ti.try_number }}).")]`,
      ],
    ]);
  });

  it("adds the Slack provider to requirements.txt only when a Slack target exists", () => {
    const requirements = (spec: Record<string, unknown>) =>
      renderBundle([resolved(spec)])
        .find((f) => f.path === "requirements.txt")!
        .content.split("\n")
        .slice(3);
    expect(requirements(withNotify({ onFailure: [{ slack: "s" }] }))).toEqual([
      "apache-airflow-providers-amazon",
      "apache-airflow-providers-slack",
      "",
    ]);
    expect(requirements(withNotify({ onFailure: [{ sns: TOPIC }] }))).toEqual(["apache-airflow-providers-amazon", ""]);
  });
});

describe("notify IAM", () => {
  it("grants sns:Publish on exactly each topic, once per topic, for the DAG and for each step", () => {
    const spec = basePipeline({
      notify: { onFailure: [{ sns: TOPIC }, { slack: "s" }], onSuccess: [{ sns: TOPIC }] },
      steps: [
        { ...glueJob, notify: { onFailure: [{ sns: `${TOPIC}-b` }, { sns: `${TOPIC}-c` }] } },
        { id: "other", kind: "glueJob", job: "x", notify: { onSuccess: [{ slack: "s" }] } },
      ],
    });
    const iam = buildIam([resolved(spec)], { account: "111122223333", region: "us-east-1" });
    const statements = iam.documents
      .flatMap((d) => d.policy.Statement)
      .filter((s) => s.Action.includes("sns:Publish"))
      .map((s) => `${s.Sid} ${s.Action.join(",")} ${s.Resource!.join(" ")}`);
    expect(statements).toEqual([
      `DemoNotifySns sns:Publish ${TOPIC}`,
      `DemoLoadNotifySns1 sns:Publish ${TOPIC}-b`,
      `DemoLoadNotifySns2 sns:Publish ${TOPIC}-c`,
    ]);
    expect(iam.notes).toContain(
      "an SNS topic encrypted with a customer managed KMS key also needs kms:GenerateDataKey and kms:Decrypt on that key for the MWAA execution role; pipegen cannot tell from the topic ARN",
    );
    expect(new Arns(iam.placement).partition).toBe("aws");
  });
});
