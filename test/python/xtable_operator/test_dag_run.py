"""Run the operator the way Airflow does, in a real task instance of a real DAG run.

A dags folder is laid out like the MWAA bundle (``pipegen_xtable/`` next to a
DAG file) and ``dag.test()`` runs it in a child Python process against a fresh
SQLite metadata database, so templates, task states and XCom all go through
Airflow itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from fakes import failed, result_line, synced, write_fake_java
from pipegen_xtable import operator as xt

DAG_FILE = """
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import airflow
from pipegen_xtable.operator import XTableOperator

AIRFLOW_3 = airflow.__version__.startswith("3.")
if AIRFLOW_3:
    from airflow.sdk import DAG, task
else:
    from airflow.decorators import task
    from airflow.models.dag import DAG

config = {
    "sourceFormat": "DELTA",
    "targetFormats": ["ICEBERG"],
    "datasets": [
        {"tableBasePath": "s3://lake/sales/{{ ds_nodash }}", "tableName": "sales"}
    ],
}
with DAG(
    "xtable_dag_run",
    schedule=None,
    start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    default_args={"classpath": "/opt/xtable/lib/*", "retries": 0},
) as dag:
    good = XTableOperator(
        task_id="good", dataset_config=config, java_bin=os.environ["GOOD_JAVA"]
    )
    bad = XTableOperator(
        task_id="bad", dataset_config=config, java_bin=os.environ["BAD_JAVA"]
    )

    @task
    def record(pairs):
        Path(os.environ["XCOM_FILE"]).write_text(json.dumps(pairs))

    record(good.output)

if __name__ == "__main__":
    when = datetime(2024, 1, 5, tzinfo=timezone.utc)
    run = dag.test(logical_date=when) if AIRFLOW_3 else dag.test(execution_date=when)
    states = {
        ti.task_id: getattr(ti.state, "value", ti.state)
        for ti in run.get_task_instances()
    }
    print("TASK-STATES " + json.dumps(states))
"""


def test_tasks_succeed_and_fail_in_a_real_dag_run(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    shutil.copytree(Path(xt.__file__).parent, dags / "pipegen_xtable")
    dag_file = dags / "xtable_dag_run.py"
    dag_file.write_text(DAG_FILE)
    good = write_fake_java(
        tmp_path / "good/java", result_line(synced("sales", "ICEBERG"))
    )
    bad = write_fake_java(
        tmp_path / "bad/java", result_line(failed("sales", "ICEBERG", "boom"))
    )
    xcom_file = tmp_path / "xcom.json"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow-home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "GOOD_JAVA": str(good.path),
        "BAD_JAVA": str(bad.path),
        "XCOM_FILE": str(xcom_file),
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
        "bad": "failed",
        "record": "success",
    }
    assert json.loads(xcom_file.read_text()) == [["sales", "ICEBERG"]]
    dataset = yaml.safe_load(good.call()["files"]["--datasetConfig"]["text"])
    assert dataset["datasets"][0]["tableBasePath"] == "s3://lake/sales/20240105"
    # The failure message itself is asserted in test_operator.py: on Airflow 3
    # the task's log reaches this process's output only when the machine is
    # idle enough, so checking it here made the test flaky under load.
