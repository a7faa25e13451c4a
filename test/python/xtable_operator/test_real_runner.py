"""The operator against the real XTable runner, in a real DAG run.

test/pytest.test.ts builds the runner (jars/, Apache XTable 0.4.0) and Delta
tables written by deltalake, starts moto (a local S3 API) and names them in the
environment:

- PIPEGEN_TEST_XTABLE_RUNNER: the runner folder (launcher jar + dependencies);
- PIPEGEN_TEST_DELTA_TABLES: a folder with ``good`` (a partitioned table),
  ``failing`` (a table whose protocol names a reader feature Delta Kernel does
  not know, so XTable fails to sync it), ``dv`` (a file with a deletion vector)
  and ``column_mapping`` (column mapping by name): the runner refuses the last two;
- AWS_ENDPOINT_URL and dummy credentials: moto, which the runner's S3A and
  pipegen's AWS SDK both reach through the standard AWS settings;
- PIPEGEN_TEST_S3_PREFIX: where this Airflow version's copies go in moto's S3.

The tables are copied first, so that each Airflow version syncs its own. The
Iceberg tables the good tasks write are then checked by ``pipegen xtable verify``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from pipegen_xtable import operator as xt
from pipegen_xtable.operator import XTableOperator, XTableSyncError

REPO = Path(__file__).resolve().parents[3]
PIPEGEN = REPO / "build" / "bin" / "pipegen.js"

DAG_FILE = """
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import airflow
from pipegen_xtable.operator import XTableOperator

AIRFLOW_3 = airflow.__version__.startswith("3.")
if AIRFLOW_3:
    from airflow.sdk import DAG
else:
    from airflow.models.dag import DAG


def config(path, name):
    return {
        "sourceFormat": "DELTA",
        "targetFormats": ["ICEBERG"],
        "datasets": [{"tableBasePath": path, "tableName": name}],
    }


with DAG(
    "xtable_real_runner",
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    default_args={"classpath": os.environ["RUNNER_CLASSPATH"], "retries": 0},
) as dag:
    XTableOperator(
        task_id="good",
        dataset_config=config(os.environ["GOOD_TABLE"], "sales"),
        max_heap="512m",
    )
    XTableOperator(
        task_id="failing",
        dataset_config=config(os.environ["FAILING_TABLE"], "broken"),
        max_heap="512m",
    )
    XTableOperator(
        task_id="s3_good",
        dataset_config=config(os.environ["S3_PREFIX"] + "/good", "s3_sales"),
        max_heap="512m",
    )

if __name__ == "__main__":
    when = datetime(2024, 1, 5, tzinfo=timezone.utc)
    run = dag.test(logical_date=when) if AIRFLOW_3 else dag.test(execution_date=when)
    states = {
        ti.task_id: getattr(ti.state, "value", ti.state)
        for ti in run.get_task_instances()
    }
    print("TASK-STATES " + json.dumps(states))
"""


def _required(name: str) -> Path:
    value = os.environ.get(name)
    assert value, f"{name} is not set: run this through test/pytest.test.ts"
    return Path(value)


def _s3() -> Any:
    """A client for moto's S3, from the same environment the runner gets."""
    return boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _upload(table: Path, uri: str) -> None:
    bucket, prefix = _split(uri)
    s3 = _s3()
    if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=bucket)
    for file in sorted(table.rglob("*")):
        if file.is_file():
            s3.upload_file(str(file), bucket, f"{prefix}/{file.relative_to(table)}")


def _keys(uri: str) -> list[str]:
    bucket, prefix = _split(uri)
    pages = (
        _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    )
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


@pytest.fixture(scope="module")
def s3_tables() -> str:
    """This Airflow version's copies of good, dv and column_mapping in moto's S3."""
    tables = _required("PIPEGEN_TEST_DELTA_TABLES")
    prefix = os.environ["PIPEGEN_TEST_S3_PREFIX"]
    for name in ("good", "dv", "column_mapping"):
        _upload(tables / name, f"{prefix}/{name}")
    return prefix


def _pipegen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(PIPEGEN), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _reasons(message: str, table: str) -> str:
    """The features and details of one table's refusal in a message."""
    found = re.search(
        rf"refusing to translate the Delta table {table} \([^)]*\): (.*?)\. XTable would fail",
        message,
    )
    assert found, message
    return found[1]


def test_real_sync_succeeds_and_a_failing_sync_fails_the_task(
    tmp_path: Path, s3_tables: str
) -> None:
    runner = _required("PIPEGEN_TEST_XTABLE_RUNNER")
    tables = _required("PIPEGEN_TEST_DELTA_TABLES")
    assert (runner / "pipegen-xtable.jar").is_file()
    good = tmp_path / "lake" / "sales"
    failing = tmp_path / "lake" / "broken"
    shutil.copytree(tables / "good", good)
    shutil.copytree(tables / "failing", failing)

    dags = tmp_path / "dags"
    shutil.copytree(Path(xt.__file__).parent, dags / "pipegen_xtable")
    dag_file = dags / "xtable_real_runner.py"
    dag_file.write_text(DAG_FILE)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow-home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "RUNNER_CLASSPATH": f"{runner}/*",
        "GOOD_TABLE": str(good),
        "FAILING_TABLE": str(failing),
        "S3_PREFIX": s3_tables,
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-5000:]
        return output

    run("-m", "airflow", "db", "migrate")
    output = run(str(dag_file))
    states_line = next(
        line for line in output.splitlines() if line.startswith("TASK-STATES ")
    )
    assert json.loads(states_line.removeprefix("TASK-STATES ")) == {
        "good": "success",
        "failing": "failed",
        "s3_good": "success",
    }
    assert any(
        k.endswith(".metadata.json") for k in _keys(f"{s3_tables}/good/metadata/")
    )

    # The good task left an Iceberg table that matches its Delta table.
    verify = subprocess.run(
        ["node", str(PIPEGEN), "xtable", "verify", str(good), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    report = json.loads(verify.stdout)
    assert report["ok"] is True
    assert report["iceberg"]["records"] == report["delta"]["records"] > 0
    # So did the s3_good task, in S3, where production tables are: verify reads it there.
    verify = _pipegen("xtable", "verify", f"{s3_tables}/good", "--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    report = json.loads(verify.stdout)
    assert report["table"] == f"{s3_tables}/good"
    assert report["ok"] is True
    assert report["iceberg"]["metadataFile"].startswith(f"{s3_tables}/good/metadata/")
    assert report["iceberg"]["records"] == report["delta"]["records"] > 0
    # The failing task synced nothing.
    assert not (failing / "metadata").exists()


def test_unsafe_s3_tables_are_refused_naming_table_and_feature(
    tmp_path: Path, s3_tables: str
) -> None:
    """The operator fails the task with the runner's reasons, and they are the
    reasons ``pipegen xtable run`` gives for the same tables on local disk."""
    runner = _required("PIPEGEN_TEST_XTABLE_RUNNER")
    config = {
        "sourceFormat": "DELTA",
        "targetFormats": ["ICEBERG"],
        "datasets": [
            {"tableBasePath": f"{s3_tables}/{name}", "tableName": name}
            for name in ("dv", "column_mapping")
        ],
    }
    operator = XTableOperator(
        task_id="refused",
        dataset_config=config,
        classpath=f"{runner}/*",
        max_heap="512m",
    )
    with pytest.raises(XTableSyncError) as raised:
        operator.execute(context={})
    message = str(raised.value)
    assert message.startswith(
        "XTable sync failed: the JVM exited with code 1; refused: dv (ICEBERG): "
        f"refusing to translate the Delta table dv ({s3_tables}/dv): deletionVectors \u2014 "
        "1 active data file has a deletion vector (part-"
    ), message
    assert (
        f"; column_mapping (ICEBERG): refusing to translate the Delta table "
        f"column_mapping ({s3_tables}/column_mapping): columnMapping \u2014 column mapping "
        "mode 'name'" in message
    ), message
    # Nothing was written under either table: its Delta files are there, no metadata/.
    for name in ("dv", "column_mapping"):
        keys = _keys(f"{s3_tables}/{name}/")
        assert any("/_delta_log/" in k for k in keys), keys
        assert not [k for k in keys if "/metadata/" in k], keys

    # The same tables on local disk: pipegen xtable run refuses them with the same reasons.
    tables = _required("PIPEGEN_TEST_DELTA_TABLES")
    for name in ("dv", "column_mapping"):
        local = tmp_path / name
        shutil.copytree(tables / name, local)
        dataset = tmp_path / f"{name}.yaml"
        dataset.write_text(
            json.dumps(
                {
                    "sourceFormat": "DELTA",
                    "targetFormats": ["ICEBERG"],
                    "datasets": [{"tableBasePath": str(local), "tableName": name}],
                }
            )
        )
        done = _pipegen(
            "xtable", "run", "--config", str(dataset), "--runner", str(runner)
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert _reasons(done.stderr, name) == _reasons(message, name)
        assert not (local / "metadata").exists()
