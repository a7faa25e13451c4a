"""The operator against the real XTable runner, in a real DAG run.

test/pytest.test.ts builds the runner (jars/, Apache XTable 0.4.0) and two Delta
tables written by deltalake, and names them in the environment:

- PIPEGEN_TEST_XTABLE_RUNNER: the runner folder (launcher jar + dependencies);
- PIPEGEN_TEST_DELTA_TABLES: a folder with ``good`` (a partitioned table) and
  ``failing`` (a table whose protocol names a reader feature Delta Kernel does
  not know, so XTable fails to sync it).

The tables are copied first, so that each Airflow version syncs its own. The
Iceberg table the good task writes is then checked by ``pipegen xtable verify``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipegen_xtable import operator as xt

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


def test_real_sync_succeeds_and_a_failing_sync_fails_the_task(tmp_path: Path) -> None:
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
    }

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
    # The failing task synced nothing.
    assert not (failing / "metadata").exists()
