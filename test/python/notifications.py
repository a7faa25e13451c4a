"""Lists the notification callbacks of a rendered bundle's DAGs and tasks, then runs them.

    notifications.py <dags_folder> <moto_endpoint>   ->   one JSON document on stdout

Run it with the python of an Airflow venv (test/python/setup-venvs.sh). The
DAGs are parsed by the installed Airflow's DagBag (inspect_dags.py). Every
callback of every DAG and task is described as imported ("callbacks"), then
called the way Airflow calls it, with a scheduled run's context:

* task callbacks get the task's template context (inspect_dags.py);
* DAG callbacks get, on 2.x, the last task's context plus "reason" (as
  DagRun.handle_dag_callback builds it); on 3.x the smallest context the DAG
  processor passes, {"dag", "run_id", "reason"} (it has no more when the run
  has no task instance to build from), so texts that need more fail here.

Notifiers render their own templates and send for real: SnsNotifier through
the Amazon provider's SnsHook to the moto server (the AWS connection points
there), which delivers to an SQS queue subscribed to each topic; the queues
are read back ("sns"). SlackWebhookNotifier posts through the Slack
provider's hook to a webhook server this script runs on 127.0.0.1, whose
requests are recorded ("slack"). Nothing else is stubbed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import traceback
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inspect_dags  # noqa: E402

SLACK: list[dict[str, Any]] = []


class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        SLACK.append({"path": self.path, "body": json.loads(body or b"null")})
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


def _callbacks(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _describe(callback: Any) -> dict[str, Any]:
    cls = type(callback)
    out: dict[str, Any] = {"class": f"{cls.__module__}.{cls.__qualname__}"}
    for field in getattr(callback, "template_fields", ()):
        value = getattr(callback, field, None)
        if value is not None:
            out[field] = value
    return out


def _connection_ids(dagbag) -> set[str]:
    ids = set()
    for dag in dagbag.dags.values():
        for cb in _callbacks(dag.on_failure_callback) + _callbacks(
            dag.on_success_callback
        ):
            if hasattr(cb, "slack_webhook_conn_id"):
                ids.add(cb.slack_webhook_conn_id)
        for task in dag.tasks:
            for cb in _callbacks(task.on_failure_callback) + _callbacks(
                task.on_success_callback
            ):
                if hasattr(cb, "slack_webhook_conn_id"):
                    ids.add(cb.slack_webhook_conn_id)
    return ids


def _topics(dagbag) -> set[str]:
    topics = set()
    for dag in dagbag.dags.values():
        everything = _callbacks(dag.on_failure_callback) + _callbacks(
            dag.on_success_callback
        )
        for task in dag.tasks:
            everything += _callbacks(task.on_failure_callback) + _callbacks(
                task.on_success_callback
            )
        topics |= {cb.target_arn for cb in everything if hasattr(cb, "target_arn")}
    return topics


def run(dags_folder: Path, endpoint: str) -> dict[str, Any]:
    import airflow
    import boto3

    major = inspect_dags._airflow_major()
    dagbag, _ = inspect_dags._fill_dagbag(dags_folder)

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for conn_id in _connection_ids(dagbag):
        os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(
            {
                "conn_type": "slackwebhook",
                "password": f"http://127.0.0.1:{server.server_port}/{conn_id}",
            }
        )

    sns = boto3.client("sns", endpoint_url=endpoint, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
    queues: dict[str, str] = {}
    for topic in sorted(_topics(dagbag)):
        name = topic.rsplit(":", 1)[1]
        created = sns.create_topic(Name=name)["TopicArn"]
        assert created == topic, f"moto made {created}, the DAG names {topic}"
        url = sqs.create_queue(QueueName=f"q-{name}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        queues[topic] = url

    start = datetime(2024, 3, 5, 6, tzinfo=UTC)
    end = datetime(2024, 3, 6, 6, tzinfo=UTC)
    scheduled = inspect_dags._runs(major, start, end, end)["scheduled"]
    make_context = inspect_dags._context_3 if major >= 3 else inspect_dags._context_2

    described: dict[str, Any] = {}
    sent: list[dict[str, Any]] = []

    def call(callback, context, where: dict[str, Any]) -> None:
        try:
            callback(context)
            sent.append({**where, "error": None})
        except Exception as exc:  # reported: the test fails on it
            sent.append(
                {
                    **where,
                    "error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                }
            )

    for dag_id in sorted(dagbag.dags):
        dag = dagbag.dags[dag_id]
        tasks = {}
        for task in sorted(dag.tasks, key=lambda t: t.task_id):
            tasks[task.task_id] = {
                "on_failure": [_describe(c) for c in _callbacks(task.on_failure_callback)],
                "on_success": [_describe(c) for c in _callbacks(task.on_success_callback)],
            }
            for event in ("failure", "success"):
                for cb in _callbacks(getattr(task, f"on_{event}_callback")):
                    call(
                        cb,
                        make_context(dag, task, scheduled),
                        {"dag": dag_id, "task": task.task_id, "event": event},
                    )
        described[dag_id] = {
            "on_failure": [_describe(c) for c in _callbacks(dag.on_failure_callback)],
            "on_success": [_describe(c) for c in _callbacks(dag.on_success_callback)],
            "tasks": tasks,
        }
        last = dag.tasks[-1]
        for event in ("failure", "success"):
            reason = "task_failure" if event == "failure" else "success"
            for cb in _callbacks(getattr(dag, f"on_{event}_callback")):
                if major >= 3:
                    context = {
                        "dag": dag,
                        "run_id": scheduled["run_id"],
                        "reason": reason,
                    }
                else:
                    context = make_context(dag, last, scheduled)
                    context["reason"] = reason
                call(cb, context, {"dag": dag_id, "task": None, "event": event})

    delivered = []
    for topic, url in sorted(queues.items()):
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not got:
                break
            for m in got:
                body = json.loads(m["Body"])
                delivered.append(
                    {
                        "topic": body["TopicArn"],
                        "subject": body.get("Subject"),
                        "message": body["Message"],
                    }
                )
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    server.shutdown()
    return {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in dagbag.import_errors.items()},
        "callbacks": described,
        "sent": sent,
        "sns": sorted(
            delivered, key=lambda d: (d["topic"], d["subject"] or "", d["message"])
        ),
        "slack": sorted(SLACK, key=lambda s: (s["path"], json.dumps(s["body"]))),
    }


def main(argv: list[str]) -> int:
    dags_folder, endpoint = Path(argv[0]).resolve(), argv[1]
    json_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    home = Path(tempfile.mkdtemp(prefix="notifications-airflow-home-"))
    try:
        inspect_dags._prepare_environment(dags_folder, home, None)
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(
                    {
                        "conn_type": "aws",
                        "extra": {"region_name": "us-east-1", "endpoint_url": endpoint},
                    }
                ),
            }
        )
        json.dump(run(dags_folder, endpoint), json_out, indent=1, default=str)
        json_out.write("\n")
        json_out.flush()
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
