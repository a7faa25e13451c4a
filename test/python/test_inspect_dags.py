"""Tests for inspect_dags.py. Run with a venv built by setup-venvs.sh, e.g.

    .cache/venvs/airflow-3.3.1/bin/python -m pytest test/python

The Airflow under test is whatever that venv has; airflow itself is never
imported here (only inspect_dags.py, in a subprocess, imports it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

try:
    AIRFLOW_VERSION = version("apache-airflow")
except PackageNotFoundError:
    pytest.skip(
        "needs a venv with Airflow (test/python/setup-venvs.sh)",
        allow_module_level=True,
    )

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "inspect_dags.py"
MAJOR = int(AIRFLOW_VERSION.split(".")[0])
FIXTURES = HERE / "fixtures" / f"airflow{MAJOR}"
DAG_ID = f"fixture_af{MAJOR}"

INTERVAL = [
    "--data-interval-start",
    "2024-03-05T00:00:00+00:00",
    "--data-interval-end",
    "2024-03-06T00:00:00+00:00",
]
RUN_AFTER = ["--run-after", "2024-03-07T10:00:00+00:00"]

# The expression generated DAGs use for "the day this run is about": the data
# interval start when there is one, else (Airflow 3 manual run) run_after.
DAY_EXPR = "(data_interval_start | default(dag_run.run_after, true))"


def run_inspect(folder: Path, *extra: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def inspect_ok(folder: Path, *extra: str, env: dict[str, str] | None = None) -> dict:
    proc = run_inspect(folder, *extra, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # stdout must be exactly one JSON document


@pytest.fixture(scope="module")
def fixture_result() -> dict:
    return inspect_ok(FIXTURES, *INTERVAL, *RUN_AFTER)


def test_versions(fixture_result):
    assert fixture_result["airflow_version"] == AIRFLOW_VERSION
    assert fixture_result["provider_amazon_version"] == version(
        "apache-airflow-providers-amazon"
    )
    expected = (
        "airflow.dag_processing.dagbag.BundleDagBag"
        if MAJOR >= 3
        else "airflow.models.dagbag.DagBag"
    )
    assert fixture_result["dagbag_class"] == expected


def test_dag_attributes(fixture_result):
    assert fixture_result["import_errors"] == {}
    assert list(fixture_result["dags"]) == [DAG_ID]
    dag = fixture_result["dags"][DAG_ID]
    assert dag["fileloc"] == str(FIXTURES / f"{DAG_ID}_dag.py")
    assert dag["schedule"] == "@daily"
    # MWAA leaves [scheduler] create_cron_data_intervals at Airflow's default:
    # True on 2.x, False on 3.x, where a cron schedule gets a trigger timetable
    # whose runs have data_interval_start == data_interval_end == logical_date.
    assert dag["timetable"] == (
        "airflow.sdk.definitions.timetables.trigger.CronTriggerTimetable"
        if MAJOR >= 3
        else "airflow.timetables.interval.CronDataIntervalTimetable"
    )
    assert dag["catchup"] is False
    assert dag["max_active_runs"] == 1
    assert dag["tags"] == ["fixture", "pipegen"]
    assert dag["start_date"] == "2024-01-01T00:00:00+00:00"
    assert dag["doc_md"].startswith("Fixture DAG")


def test_tasks_classes_and_edges(fixture_result):
    tasks = fixture_result["dags"][DAG_ID]["tasks"]
    empty = (
        "airflow.providers.standard.operators.empty.EmptyOperator"
        if MAJOR >= 3
        else "airflow.operators.empty.EmptyOperator"
    )
    assert {tid: t["class"] for tid, t in tasks.items()} == {
        "wait_for_input": "airflow.providers.amazon.aws.sensors.s3.S3KeySensor",
        "transform": "airflow.providers.amazon.aws.operators.glue.GlueJobOperator",
        "finish": empty,
    }
    assert {tid: (t["upstream"], t["downstream"]) for tid, t in tasks.items()} == {
        "wait_for_input": ([], ["transform"]),
        "transform": (["wait_for_input"], ["finish"]),
        "finish": (["transform"], []),
    }
    assert {tid: t["trigger_rule"] for tid, t in tasks.items()} == {
        "wait_for_input": "all_success",
        "transform": "all_success",
        "finish": "all_done",
    }
    assert {t["retries"] for t in tasks.values()} == {2}
    assert {t["retry_delay_seconds"] for t in tasks.values()} == {300.0}
    assert tasks["transform"]["execution_timeout_seconds"] == 3600.0
    assert tasks["finish"]["execution_timeout_seconds"] is None


def test_rendered_scheduled(fixture_result):
    tasks = fixture_result["dags"][DAG_ID]["tasks"]
    assert tasks["wait_for_input"]["rendered_scheduled"] == {
        "bucket_key": "landing/2024/03/05/_SUCCESS"
    }
    assert tasks["transform"]["rendered_scheduled"] == {
        "script_args": {"--run_date": "2024-03-05", "--static": "unchanged"}
    }
    assert tasks["finish"]["rendered_scheduled"] == {}


def test_rendered_manual(fixture_result):
    tasks = fixture_result["dags"][DAG_ID]["tasks"]
    sensor = tasks["wait_for_input"]["rendered_manual"]
    glue = tasks["transform"]["rendered_manual"]
    assert set(sensor) == {"bucket_key"}
    assert set(glue) == {"script_args"}
    if MAJOR >= 3:
        # No logical date, no data interval: the key falls back to run_after ...
        assert sensor["bucket_key"] == "landing/2024/03/07/_SUCCESS"
        # ... while a bare `ds` is undefined and reported, not crashed on.
        assert glue["script_args"] == {"error": "UndefinedError: 'ds' is undefined"}
        assert fixture_result["runs"]["manual"]["logical_date"] is None
    else:
        # Airflow 2: a manual run keeps the data interval; ds is the trigger date.
        assert sensor["bucket_key"] == "landing/2024/03/05/_SUCCESS"
        assert glue["script_args"] == {
            "--run_date": "2024-03-07",
            "--static": "unchanged",
        }


def test_run_after_defaults_to_interval_end():
    result = inspect_ok(FIXTURES, *INTERVAL)
    assert result["runs"]["manual"]["run_after"] == "2024-03-06T00:00:00+00:00"
    if MAJOR >= 3:
        sensor = result["dags"][DAG_ID]["tasks"]["wait_for_input"]
        assert sensor["rendered_manual"] == {
            "bucket_key": "landing/2024/03/06/_SUCCESS"
        }


def _write_probe_dag(folder: Path) -> None:
    """A DAG whose templated fields probe context keys, importable on 2.x and 3.x."""
    dag_import = (
        "from airflow.sdk import DAG" if MAJOR >= 3 else "from airflow import DAG"
    )
    (folder / "probe_dag.py").write_text(
        textwrap.dedent(
            f"""
            import pendulum
            {dag_import}
            from airflow.providers.amazon.aws.operators.glue import GlueJobOperator

            with DAG(dag_id="probe", schedule="@daily", catchup=False,
                     start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):
                GlueJobOperator(
                    task_id="probe",
                    job_name="probe",
                    script_args={{
                        "day": "{{{{ {DAY_EXPR}.strftime('%Y-%m-%d') }}}}",
                        "bare": "{{{{ data_interval_start.strftime('%Y') }}}}",
                        "run_type": "{{{{ dag_run.run_type }}}}",
                        "run_id": "{{{{ run_id }}}}",
                        "list": ["{{{{ task.task_id }}}}", "plain"],
                        "macro": "{{{{ macros.datetime(2024, 1, 2).strftime('%d') }}}}",
                    }},
                )
            """
        )
    )


def test_probe_templates_per_field(tmp_path):
    _write_probe_dag(tmp_path)
    result = inspect_ok(tmp_path, *INTERVAL, *RUN_AFTER)
    assert result["import_errors"] == {}
    task = result["dags"]["probe"]["tasks"]["probe"]
    assert task["rendered_scheduled"] == {
        "script_args": {
            "day": "2024-03-05",
            "bare": "2024",
            # 3.x: dag_run is the task SDK's pydantic DagRun, whose run_type is a
            # (str, Enum) without __str__, so Jinja prints the member name.
            "run_type": "DagRunType.SCHEDULED" if MAJOR >= 3 else "scheduled",
            "run_id": "scheduled__2024-03-05T00:00:00+00:00",
            "list": ["probe", "plain"],
            "macro": "02",
        }
    }
    manual = task["rendered_manual"]["script_args"]
    if MAJOR >= 3:
        # One undefined key fails the whole field (Airflow renders a field as a unit).
        assert manual == {"error": "UndefinedError: 'data_interval_start' is undefined"}
    else:
        assert manual["day"] == "2024-03-05"
        assert manual["run_type"] == "manual"


def test_manual_day_expression_on_this_version(tmp_path):
    """DAY_EXPR must render for a manual run on every supported Airflow."""
    _write_probe_dag(tmp_path)
    text = (tmp_path / "probe_dag.py").read_text()
    # Keep only the expression under test, so nothing else can fail the field.
    start = text.index('"bare"')
    end = text.index('"macro"')
    (tmp_path / "probe_dag.py").write_text(text[:start] + text[end:])
    result = inspect_ok(tmp_path, *INTERVAL, *RUN_AFTER)
    manual = result["dags"]["probe"]["tasks"]["probe"]["rendered_manual"]["script_args"]
    assert manual["day"] == ("2024-03-07" if MAJOR >= 3 else "2024-03-05")


def test_import_errors_are_reported_not_fatal(tmp_path):
    (tmp_path / "broken_dag.py").write_text(
        "from airflow import DAG\nraise ValueError('boom at parse')\n"
    )
    _write_probe_dag(tmp_path)
    result = inspect_ok(tmp_path, *INTERVAL)
    broken = str(tmp_path / "broken_dag.py")
    assert list(result["import_errors"]) == [broken]
    assert "boom at parse" in result["import_errors"][broken]
    assert list(result["dags"]) == ["probe"]


def test_helper_modules_importable(tmp_path):
    """DAG files import modules shipped next to them and from the plugins folder."""
    dags = tmp_path / "dags"
    (dags / "helpers_pkg").mkdir(parents=True)
    (dags / "helpers_pkg" / "__init__.py").write_text("JOB = 'from-dags-folder'\n")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "plugin_mod.py").write_text("SUFFIX = 'from-plugins'\n")
    _write_probe_dag(dags)
    text = (dags / "probe_dag.py").read_text()
    text = text.replace(
        'job_name="probe"', "job_name=helpers_pkg.JOB + '-' + plugin_mod.SUFFIX"
    )
    (dags / "probe_dag.py").write_text("import helpers_pkg\nimport plugin_mod\n" + text)

    result = inspect_ok(dags, *INTERVAL, "--plugins-folder", str(plugins))
    assert result["import_errors"] == {}
    assert list(result["dags"]) == ["probe"]
    proc = run_inspect(dags, *INTERVAL)  # without the plugins folder
    assert proc.returncode == 0
    errors = json.loads(proc.stdout)["import_errors"]
    assert list(errors) == [str(dags / "probe_dag.py")]
    assert "plugin_mod" in errors[str(dags / "probe_dag.py")]


def test_needs_no_airflow_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["HOME"] = str(home)
    env["AIRFLOW_HOME"] = str(home / "must-not-be-used")
    inspect_ok(FIXTURES, *INTERVAL, env=env)
    assert list(home.iterdir()) == []


def test_crash_exits_2(tmp_path):
    proc = run_inspect(tmp_path / "missing", *INTERVAL)
    assert proc.returncode == 2
    assert proc.stdout == ""
    proc = run_inspect(
        tmp_path, "--data-interval-start", "not-a-date", "--data-interval-end", "x"
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
