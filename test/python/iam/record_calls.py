"""Runs every task of a rendered bundle against a local moto server and records every AWS call.

    record_calls.py <dags_folder> <moto_endpoint>   ->   {"airflow_version", "calls": [...], "tasks": [...]}

Run it with the python of an Airflow venv (test/python/setup-venvs.sh). Each
task's own code runs, as Airflow would run it on a worker: templates rendered
for a scheduled run, then execute() (poke() for sensors, which is what their
execute() loops on), then on_kill() for the Redshift Data API operators. A
botocore hook on every client records each call: service, operation, API
parameters, HTTP status and the parts of the response the IAM mapping needs.

What is not the tasks' own code, and is said in each record:

* stubbed (moto has no such operation): redshift-data BatchExecuteStatement
  (answered by creating the statement in moto with an unrecorded
  ExecuteStatement, so the task's DescribeStatement and CancelStatement find
  it), glue GetCrawlerMetrics and glue UpdateCrawler answer from this script;
  each call is still recorded as the task made it, marked "stubbed".
* patched responses: redshift-data DescribeStatement says FINISHED where
  moto says STARTED forever, glue GetCrawler says LastCrawl SUCCEEDED where
  moto says COMPLETED, and glue GetJobRun names Glue's default log group
  /aws-glue/jobs where moto says "test/log". The calls themselves reach moto.
* on behalf (calls AWS services make with another role, which no Airflow
  code makes): for each UNLOAD statement a task sends, the S3 calls Redshift
  makes as the statement's IAM_ROLE (list the prefix, delete what CLEANPATH
  removes, put the part files and the manifest); for a Glue job the task
  created, Glue reading its script as the job's role; for a crawler the task
  manages, the crawler listing and reading its S3 targets as its role. They
  run against moto too, are recorded with that role as identity, and carry
  "on_behalf".
* set-up (creating buckets, objects, jobs, crawlers, roles) is not recorded.

The deferrable S3KeySensor runs its execute() (a poke, then the deferral);
its trigger needs aiobotocore, which the MWAA-matched venvs do not install,
so the trigger's own calls (the same list/head operations) are not recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import traceback
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import inspect_dags  # noqa: E402  (the DagBag and run contexts of the DAG import tests)

EXECUTION_ROLE = "execution-role"
_state = threading.local()
CALLS: list[dict[str, Any]] = []
STUBBED = {
    ("redshift-data", "BatchExecuteStatement"): "moto has no BatchExecuteStatement",
    ("glue", "GetCrawlerMetrics"): "moto has no GetCrawlerMetrics",
    ("glue", "UpdateCrawler"): "moto has no UpdateCrawler",
}


def _identity() -> str:
    return getattr(_state, "identity", EXECUTION_ROLE)


def _silent() -> bool:
    return getattr(_state, "silent", False)


@contextlib.contextmanager
def acting_as(identity: str, on_behalf: str):
    old = (_identity(), getattr(_state, "on_behalf", None))
    _state.identity, _state.on_behalf = identity, on_behalf
    try:
        yield
    finally:
        _state.identity, _state.on_behalf = old


@contextlib.contextmanager
def setup():
    """Set-up calls (seeding moto) are not recorded."""
    old = _silent()
    _state.silent = True
    try:
        yield
    finally:
        _state.silent = old


def _jsonable(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)) or hasattr(value, "read"):
        return "<body>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return (
        value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    )


class _StubResponse:
    status_code = 200
    headers: dict[str, str] = {}
    raw = None
    content = b""
    text = ""


def _stub_response(
    service: str, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    if operation == "BatchExecuteStatement":
        # The batch becomes one statement in moto (an unrecorded ExecuteStatement), so that the
        # DescribeStatement and CancelStatement calls the task makes next reach moto and find it.
        with setup():
            created = _admin("redshift-data").execute_statement(
                Sql=";\n".join(params["Sqls"]),
                Database=params.get("Database", "dev"),
                **(
                    {"ClusterIdentifier": params["ClusterIdentifier"]}
                    if "ClusterIdentifier" in params
                    else {}
                ),
                **(
                    {"WorkgroupName": params["WorkgroupName"]}
                    if "WorkgroupName" in params
                    else {}
                ),
            )
        return {
            "Id": created["Id"],
            "CreatedAt": created["CreatedAt"],
            "Database": params.get("Database"),
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
    if operation == "UpdateCrawler":
        return {"ResponseMetadata": {"HTTPStatusCode": 200}}
    if operation == "GetCrawlerMetrics":
        return {
            "CrawlerMetricsList": [
                {
                    "CrawlerName": n,
                    "TimeLeftSeconds": 0.0,
                    "StillEstimating": False,
                    "LastRuntimeSeconds": 1.0,
                    "MedianRuntimeSeconds": 1.0,
                    "TablesCreated": 0,
                    "TablesUpdated": 0,
                    "TablesDeleted": 0,
                }
                for n in params.get("CrawlerNameList", [])
            ],
            "ResponseMetadata": {"HTTPStatusCode": 200},
        }
    raise AssertionError(f"no stub for {service} {operation}")


def _register(client) -> None:
    events = client.meta.events
    service = client.meta.service_model.service_name

    def before_parameter_build(params, model, context, **_):
        context["pipegen_call"] = {
            "service": service,
            "operation": model.name,
            "params": _jsonable(dict(params)),
            "identity": _identity(),
            "on_behalf": getattr(_state, "on_behalf", None),
            "region": client.meta.region_name,
            "silent": _silent(),
        }

    def before_call(model, params, context, **_):
        call = context.get("pipegen_call")
        if call and (service, model.name) in STUBBED and not call["silent"]:
            call["stubbed"] = STUBBED[(service, model.name)]
            return _StubResponse(), _stub_response(service, model.name, call["params"])
        return None

    def after_call(http_response, parsed, model, context, **_):
        call = context.get("pipegen_call")
        if call is None:
            return
        status = getattr(http_response, "status_code", None)
        # moto never finishes a statement or reports a crawl as SUCCEEDED; the tasks wait for both.
        if model.name == "DescribeStatement" and parsed.get("Status") == "STARTED":
            parsed["Status"] = "FINISHED"
            call["patched"] = "Status STARTED -> FINISHED"
        if (
            model.name == "GetCrawler"
            and parsed.get("Crawler", {}).get("LastCrawl", {}).get("Status")
            == "COMPLETED"
        ):
            parsed["Crawler"]["LastCrawl"]["Status"] = "SUCCEEDED"
            call["patched"] = "LastCrawl.Status COMPLETED -> SUCCEEDED"
        # moto gives every job run the log group "test/log"; Glue's default, which pipegen's grant names, is /aws-glue/jobs.
        if (
            model.name == "GetJobRun"
            and parsed.get("JobRun", {}).get("LogGroupName") == "test/log"
        ):
            parsed["JobRun"]["LogGroupName"] = "/aws-glue/jobs"
            call["patched"] = "JobRun.LogGroupName test/log -> /aws-glue/jobs"
        if call.pop("silent"):
            return
        call["status"] = status
        call["error"] = (
            parsed.get("Error", {}).get("Code") if isinstance(parsed, dict) else None
        )
        call["response"] = _response_facts(model.name, parsed)
        CALLS.append(dict(call))
        if status is not None and status < 300:
            _on_behalf(service, model.name, call)

    events.register("before-parameter-build", before_parameter_build)
    events.register("before-call", before_call)
    events.register("after-call", after_call)


def _response_facts(operation: str, parsed: dict[str, Any]) -> dict[str, Any]:
    """What the IAM mapping needs from a response: ids that later calls refer to, and resolved ARNs."""
    if operation in ("ExecuteStatement", "BatchExecuteStatement"):
        return {"Id": parsed.get("Id")}
    if operation == "GetRole":
        return {"Arn": parsed.get("Role", {}).get("Arn")}
    return {}


def _install_recorder() -> None:
    import botocore.client

    original = botocore.client.BaseClient.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _register(self)

    botocore.client.BaseClient.__init__ = init


# ------------------------------------------------------------------ on behalf


def _admin(service: str):
    import boto3

    return boto3.client(service, region_name="us-east-1")


_UNLOAD_TO = re.compile(r"\bTO\s+'((?:[^']|'')*)'", re.IGNORECASE)
_UNLOAD_ROLE = re.compile(r"\bIAM_ROLE\s+(default|'((?:[^']|'')*)')", re.IGNORECASE)


def simulate_unload(sql: str) -> None:
    """The S3 calls Redshift makes for an UNLOAD, as the role the statement names."""
    if not re.match(r"\s*UNLOAD\b", sql, re.IGNORECASE):
        return
    to = _UNLOAD_TO.search(sql)
    role = _UNLOAD_ROLE.search(sql)
    if not to:
        raise AssertionError(f"UNLOAD without TO: {sql}")
    bucket, _, prefix = to.group(1).replace("''", "'")[len("s3://") :].partition("/")
    # IAM_ROLE names the role Redshift assumes; the provider's CREDENTIALS form hands it the caller's.
    identity = (
        EXECUTION_ROLE
        if role is None
        else "redshift-role:default"
        if role.group(1).lower() == "default"
        else role.group(2)
    )
    clean = re.search(r"\bCLEANPATH\b", sql, re.IGNORECASE)
    manifest = re.search(r"\bMANIFEST\b", sql, re.IGNORECASE)
    with setup():
        _bucket(bucket)
        _admin("s3").put_object(
            Bucket=bucket, Key=f"{prefix}0000_part_00_old", Body=b"old"
        )
    with acting_as(identity, "redshift"):
        s3 = _admin("s3")
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        if clean:
            for o in listed:
                s3.delete_object(Bucket=bucket, Key=o["Key"])
        s3.put_object(Bucket=bucket, Key=f"{prefix}0000_part_00", Body=b"row\n")
        if manifest:
            s3.put_object(Bucket=bucket, Key=f"{prefix}manifest", Body=b"{}")


_RUNNING: dict[str, Any] = {}


def _on_behalf(service: str, operation: str, call: dict[str, Any]) -> None:
    if call.get("on_behalf"):
        return
    task = _RUNNING.get("task")
    if service == "redshift-data" and operation in (
        "ExecuteStatement",
        "BatchExecuteStatement",
    ):
        for sql in [call["params"].get("Sql")] + list(call["params"].get("Sqls") or []):
            if sql:
                simulate_unload(sql)
    if service == "glue" and operation == "StartJobRun" and task is not None:
        if getattr(task, "iam_role_name", None) or getattr(task, "iam_role_arn", None):
            with setup():
                job = _admin("glue").get_job(JobName=call["params"]["JobName"])["Job"]
            script = job.get("Command", {}).get("ScriptLocation", "")
            if script.startswith("s3://"):
                bucket, _, key = script[len("s3://") :].partition("/")
                with acting_as(job["Role"], "glue"):
                    _admin("s3").get_object(Bucket=bucket, Key=key)
    if service == "glue" and operation == "StartCrawler" and task is not None:
        if "Role" in (getattr(task, "config", None) or {}):
            with setup():
                crawler = _admin("glue").get_crawler(Name=call["params"]["Name"])[
                    "Crawler"
                ]
            for target in crawler.get("Targets", {}).get("S3Targets", []):
                bucket, _, key = target["Path"][len("s3://") :].partition("/")
                with acting_as(crawler["Role"], "glue"):
                    s3 = _admin("s3")
                    prefix = key if key == "" or key.endswith("/") else f"{key}/"
                    for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get(
                        "Contents", []
                    ):
                        s3.get_object(Bucket=bucket, Key=o["Key"])


# ------------------------------------------------------------------ running tasks


class _TaskInstance:
    """`ti` for a task run outside a scheduler: XComs live in memory."""

    def __init__(self, task, dag_run, store: dict[str, Any]) -> None:
        self.task, self.task_id, self.dag_id = task, task.task_id, task.dag_id
        self.run_id, self.map_index, self.try_number = dag_run.run_id, -1, 1
        self.max_tries, self.dag_run, self._store = task.retries or 0, dag_run, store
        self.stats_tags: dict[str, str] = {}

    def xcom_push(self, key: str, value: Any, **_) -> None:
        self._store[(self.task_id, key)] = value

    def get_relevant_upstream_map_indexes(self, *_, **__) -> None:
        return None

    def xcom_pull(self, task_ids: Any = None, key: str = "return_value", **_) -> Any:
        if isinstance(task_ids, (list, tuple)):
            return [self._store.get((t, key)) for t in task_ids]
        return self._store.get((task_ids or self.task_id, key))


def _render(task, context, jinja_env) -> None:
    for field in getattr(task, "template_fields", ()) or ():
        value = getattr(task, field, None)
        if value is not None:
            setattr(task, field, task.render_template(value, context, jinja_env))


def _seed(task) -> None:
    """What must exist before the task runs: its job, crawler, roles, script and log groups."""
    cls = type(task).__name__
    s3, glue, iam, logs = _admin("s3"), _admin("glue"), _admin("iam"), _admin("logs")
    if cls == "GlueJobOperator":
        role_name = getattr(task, "iam_role_name", None)
        role_arn = getattr(task, "iam_role_arn", None)
        if role_name:  # a role the Glue console made: under /service-role/, which the name does not say
            with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
                iam.create_role(
                    RoleName=role_name,
                    Path="/service-role/",
                    AssumeRolePolicyDocument="{}",
                )
        if task.script_location:
            bucket, _, key = task.script_location[len("s3://") :].partition("/")
            _bucket(bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=b"print('job')")
        if not role_name and not role_arn:  # the job must exist already
            glue.create_job(
                Name=task.job_name,
                Role="arn:aws:iam::111122223333:role/existing-glue-role",
                Command={
                    "Name": "glueetl",
                    "ScriptLocation": "s3://existing/script.py",
                },
            )
        for group in ("/aws-glue/jobs/output", "/aws-glue/jobs/error"):
            with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
                logs.create_log_group(logGroupName=group)
    if cls == "GlueCrawlerOperator" and "Role" not in task.config:
        glue.create_crawler(
            Name=task.config["Name"],
            Role="arn:aws:iam::111122223333:role/existing-crawler-role",
            Targets={"S3Targets": [{"Path": "s3://existing/raw/"}]},
        )
    if cls == "GlueCrawlerOperator" and "Role" in task.config:
        for target in task.config["Targets"]["S3Targets"]:
            bucket, _, key = target["Path"][len("s3://") :].partition("/")
            _bucket(bucket)
            s3.put_object(
                Bucket=bucket,
                Key=f"{key}{'' if key == '' or key.endswith('/') else '/'}part-0.csv",
                Body=b"a",
            )


def _bucket(name: str) -> None:
    s3 = _admin("s3")
    with contextlib.suppress(
        s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists
    ):
        s3.create_bucket(Bucket=name)


def _run(task, context, results: dict[str, Any]) -> list[str]:
    """Runs the task as its operator runs on a worker; returns what was run."""
    from airflow.exceptions import TaskDeferred

    cls = type(task).__name__
    done: list[str] = []
    if cls == "S3KeySensor":
        keys = (
            task.bucket_key if isinstance(task.bucket_key, list) else [task.bucket_key]
        )
        with setup():
            _bucket(task.bucket_name)
        for step in ("missing", "present"):
            if step == "present":
                with setup():
                    for k in keys:
                        _admin("s3").put_object(
                            Bucket=task.bucket_name,
                            Key=re.sub(r"[*?]", "x", k),
                            Body=b"x",
                        )
            if getattr(task, "deferrable", False):
                try:
                    task.execute(context)
                    done.append(f"execute ({step}: returned)")
                except TaskDeferred:
                    done.append(f"execute ({step}: poked, then deferred)")
            else:
                done.append(f"poke ({step}: {task.poke(context)})")
        return done
    if cls in ("GlueCrawlerSensor", "GlueJobSensor"):
        if cls == "GlueJobSensor":
            task.run_id = results.get(next(iter(task.upstream_task_ids)))
        done.append(f"poke ({task.poke(context)})")
        return done
    if cls == "GlueCrawlerOperator":
        results[task.task_id] = task.execute(context)
        done.append("execute")
        if (
            "Role" in task.config
        ):  # managed: run again after the crawler drifted from the spec
            with setup():
                glue = _admin("glue")
                drifted = glue.get_crawler(Name=task.config["Name"])["Crawler"]
                glue.delete_crawler(Name=drifted["Name"])
                glue.create_crawler(
                    Name=drifted["Name"],
                    Role=drifted["Role"],
                    DatabaseName="drifted",
                    Targets=drifted["Targets"],
                )
            task.execute(context)
            done.append("execute (crawler drifted: update)")
        return done
    if cls == "SQLExecuteQueryOperator":
        # Runs over an Airflow connection to Redshift (no AWS API from the worker); only Redshift's
        # own S3 calls for an UNLOAD are simulated, from the statement the task would send.
        for sql in task.sql if isinstance(task.sql, list) else [task.sql]:
            simulate_unload(sql)
        done.append("statement only (Redshift's calls for UNLOAD)")
        return done
    if cls == "XTableOperator":
        done.append("not run: the XTable JVM's calls are not botocore calls")
        return done
    results[task.task_id] = task.execute(context)
    done.append("execute")
    if cls == "RedshiftDataOperator":
        task.on_kill()
        done.append("on_kill")
    return done


def record(dags_folder: Path, endpoint: str) -> dict[str, Any]:
    import airflow

    _install_recorder()
    for model in ("glue::job_run", "glue::crawl"):
        urllib.request.urlopen(  # noqa: S310  (loopback moto)
            urllib.request.Request(
                f"{endpoint}/moto-api/state-manager/set-transition",
                data=json.dumps(
                    {"model_name": model, "transition": {"progression": "immediate"}}
                ).encode(),
                method="POST",
            )
        ).read()
    major = inspect_dags._airflow_major()
    dagbag, _ = inspect_dags._fill_dagbag(dags_folder)
    if dagbag.import_errors:
        raise AssertionError(f"import errors: {dagbag.import_errors}")
    start = datetime(2024, 3, 5, 6, tzinfo=UTC)
    end = datetime(2024, 3, 6, 6, tzinfo=UTC)
    run = inspect_dags._runs(major, start, end, end)["scheduled"]
    make_context = inspect_dags._context_3 if major >= 3 else inspect_dags._context_2
    tasks: list[dict[str, Any]] = []
    for dag_id in sorted(dagbag.dags):
        dag = dagbag.dags[dag_id]
        jinja_env = dag.get_template_env()
        store: dict[str, Any] = {}
        results: dict[str, Any] = {}
        for task in (
            dag.topological_sort() if hasattr(dag, "topological_sort") else dag.tasks
        ):
            context = make_context(dag, task, run)
            ti = _TaskInstance(task, context["dag_run"], store)
            context["ti"] = context["task_instance"] = ti
            first = len(CALLS)
            _RUNNING["task"] = task
            try:
                _render(task, context, jinja_env)
                with setup():
                    _seed(task)
                ran = _run(task, context, results)
                for (t, k), v in list(store.items()):
                    if t == task.task_id and k == "return_value":
                        results[task.task_id] = v
                error = None
            except Exception as exc:  # reported, and the test fails on it
                ran, error = (
                    [],
                    f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                )
            finally:
                _RUNNING.pop("task", None)
            for call in CALLS[first:]:
                call["dag"], call["task"] = dag_id, task.task_id
            tasks.append(
                {
                    "dag": dag_id,
                    "task": task.task_id,
                    "class": type(task).__name__,
                    "ran": ran,
                    "error": error,
                }
            )
    return {"airflow_version": airflow.__version__, "calls": CALLS, "tasks": tasks}


def main(argv: list[str]) -> int:
    dags_folder, endpoint = Path(argv[0]).resolve(), argv[1]
    json_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    home = Path(tempfile.mkdtemp(prefix="record-calls-airflow-home-"))
    try:
        inspect_dags._prepare_environment(dags_folder, home, None)
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_REGION": "us-east-1",
                "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(
                    {
                        "conn_type": "aws",
                        "extra": {"region_name": "us-east-1", "endpoint_url": endpoint},
                    }
                ),
            }
        )
        json.dump(record(dags_folder, endpoint), json_out, indent=1, default=str)
        json_out.write("\n")
        json_out.flush()
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
