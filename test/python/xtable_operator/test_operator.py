"""Tests of the rendered pipegen_xtable operator against real Airflow objects.

The JVM is replaced by a fake ``java`` executable (a Python script) that records
how it was called and the config files it was given, prints the lines a test
asks for and exits with the code a test asks for.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import airflow
import pytest
import yaml
from airflow.exceptions import AirflowException
from airflow.utils.file import might_contain_dag
from fakes import (
    FakeJava,
    err,
    failed,
    is_running,
    refused,
    result_line,
    sleep,
    synced,
    wait_for,
    wait_until,
    write_fake_java,
)
from pipegen_xtable import operator as xt
from pipegen_xtable.operator import XTableOperator, XTableSyncError

try:  # Airflow 3
    from airflow.sdk import DAG, BaseOperator
    from airflow.sdk.exceptions import AirflowTaskTimeout
    from airflow.sdk.execution_time.timeout import timeout
except ImportError:  # Airflow 2
    from airflow.exceptions import AirflowTaskTimeout
    from airflow.models.baseoperator import BaseOperator
    from airflow.models.dag import DAG
    from airflow.utils.timeout import timeout

AIRFLOW_3 = airflow.__version__.startswith("3.")

SALES = {
    "sourceFormat": "DELTA",
    "targetFormats": ["ICEBERG"],
    "datasets": [
        {"tableBasePath": "s3://b/sales", "tableName": "sales", "namespace": "db"}
    ],
}
TWO_TABLES_TWO_FORMATS = {
    "sourceFormat": "DELTA",
    "targetFormats": ["ICEBERG", "HUDI"],
    "datasets": [
        {"tableBasePath": "s3://b/sales", "tableName": "sales"},
        {"tableBasePath": "s3://b/orders", "tableName": "orders"},
    ],
}
GLUE = {
    "catalogImpl": "org.apache.iceberg.aws.glue.GlueCatalog",
    "catalogName": "glue",
    "catalogOptions": {"warehouse": "s3://b/warehouse"},
}
CLASSPATH = "/opt/xtable/lib/*"

MakeFakeJava = Callable[..., FakeJava]


@pytest.fixture
def fake_java(tmp_path: Path) -> Callable[..., FakeJava]:
    """Makes fakes at ``tmp_path/jdk/bin/java`` unless given a ``path``."""

    def make(*steps: Any, path: Path | None = None, **options: Any) -> FakeJava:
        return write_fake_java(path or tmp_path / "jdk/bin/java", *steps, **options)

    return make


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory that ``tempfile`` uses for everything."""
    directory = tmp_path / "tempdir"
    directory.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(directory))
    return directory


@pytest.fixture
def task_log() -> Iterator[Callable[[], list[str]]]:
    """The messages the operator has logged so far, collected as they are logged."""
    if AIRFLOW_3:  # Task SDK operators log through structlog
        import structlog.stdlib
        import structlog.testing

        formatter = structlog.stdlib.PositionalArgumentsFormatter()
        with structlog.testing.capture_logs(processors=[formatter]) as entries:
            yield lambda: [str(entry["event"]) for entry in list(entries)]
    else:  # Airflow 2 operators log to children of the "airflow.task" logger
        messages: list[str] = []
        handler = _ListHandler(messages)
        logger = logging.getLogger("airflow.task")
        logger.addHandler(handler)
        try:
            yield lambda: list(messages)
        finally:
            logger.removeHandler(handler)


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def make_operator(java: FakeJava | None = None, **kwargs: Any) -> XTableOperator:
    kwargs.setdefault("task_id", "xtable")
    kwargs.setdefault("dataset_config", copy.deepcopy(SALES))
    kwargs.setdefault("classpath", CLASSPATH)
    if java is not None:
        kwargs.setdefault("java_bin", str(java.path))
    return XTableOperator(**kwargs)


def execute(operator: XTableOperator) -> Any:
    return operator.execute(context={})


def in_background(action: Callable[[], object]) -> threading.Thread:
    """Run ``action`` beside the test (Airflow 2 runs ``execute`` only in the main
    thread, so the test drives the child from here)."""
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    return thread


ADD_OPENS = [
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


# --- the module ----------------------------------------------------------------


def test_builds_on_the_base_operator_of_this_airflow() -> None:
    assert issubclass(XTableOperator, BaseOperator)
    assert XTableOperator.template_fields == (
        "dataset_config",
        "iceberg_catalog_config",
    )


def test_package_files_are_not_parsed_as_dag_files() -> None:
    package = Path(xt.__file__).parent
    for name in ("__init__.py", "operator.py"):
        assert not might_contain_dag(str(package / name), safe_mode=True)


def test_rendered_files_start_with_the_generated_header() -> None:
    package = Path(xt.__file__).parent
    for name in ("__init__.py", "operator.py"):
        first_line = (package / name).read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# ") and "pipegen" in first_line


# --- config files ------------------------------------------------------------


def test_nothing_is_written_when_the_task_is_defined(
    fake_java: MakeFakeJava, private_tmp: Path
) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    operator = make_operator(java, iceberg_catalog_config=GLUE)
    operator.render_template_fields(context={})
    assert list(private_tmp.iterdir()) == []
    assert java.calls() == []


def test_configs_are_written_to_a_fresh_directory_per_run_and_removed(
    fake_java: MakeFakeJava, private_tmp: Path
) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    operator = make_operator(java, iceberg_catalog_config=GLUE)

    execute(operator)
    execute(operator)

    first, second = java.calls()
    directories = []
    for call in (first, second):
        dataset = Path(call["files"]["--datasetConfig"]["path"])
        catalog = Path(call["files"]["--icebergCatalogConfig"]["path"])
        assert dataset.name == "dataset.yaml" and catalog.name == "catalog.yaml"
        assert dataset.parent == catalog.parent == Path(call["cwd"])
        assert dataset.parent.parent == private_tmp
        directories.append(dataset.parent)
    assert directories[0] != directories[1]
    assert not any(directory.exists() for directory in directories)
    assert list(private_tmp.iterdir()) == []


def test_config_files_round_trip(fake_java: MakeFakeJava) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    catalog = {"catalogImpl": GLUE["catalogImpl"], "catalogName": "glue"}
    execute(make_operator(java, iceberg_catalog_config=catalog))

    files = java.call()["files"]
    assert yaml.safe_load(files["--datasetConfig"]["text"]) == SALES
    assert yaml.safe_load(files["--icebergCatalogConfig"]["text"]) == {
        **catalog,
        "catalogOptions": {},
    }


def test_catalog_config_is_optional(fake_java: MakeFakeJava) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    execute(make_operator(java))
    call = java.call()
    assert "--icebergCatalogConfig" not in call["args"]
    assert call["listing"] == ["dataset.yaml"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("DELTA", "expected a mapping"),
        ({**SALES, "sourceFormat": ""}, "'sourceFormat' must be a non-empty string"),
        ({**SALES, "targetFormats": []}, "'targetFormats' must be a non-empty list"),
        ({**SALES, "targetFormats": "ICEBERG"}, "'targetFormats' must be a non-empty"),
        ({**SALES, "datasets": []}, "'datasets' must be a non-empty list"),
        (
            {**SALES, "datasets": [{"tableName": "sales"}]},
            "datasets[0] needs a non-empty 'tableBasePath'",
        ),
        (
            {**SALES, "datasets": [{"tableBasePath": "s3://b/sales"}]},
            "datasets[0] needs a non-empty 'tableName'",
        ),
    ],
)
def test_invalid_dataset_config_fails_before_java_runs(
    fake_java: MakeFakeJava, config: Any, message: str
) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    with pytest.raises(AirflowException, match="Invalid XTable dataset_config") as e:
        execute(make_operator(java, dataset_config=config))
    assert message in str(e.value)
    assert java.calls() == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"catalogName": "glue"}, "'catalogImpl' must be a non-empty string"),
        ({**GLUE, "catalogOptions": ["x"]}, "'catalogOptions' must be a mapping"),
    ],
)
def test_invalid_catalog_config_fails_before_java_runs(
    fake_java: MakeFakeJava, config: Any, message: str
) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    with pytest.raises(AirflowException, match="Invalid XTable iceberg_catalog_config"):
        execute(make_operator(java, iceberg_catalog_config=config))
    assert java.calls() == []
    with pytest.raises(AirflowException, match=message):
        xt.prepare_catalog_config(config)


# --- the command line ----------------------------------------------------------


def test_java_command_line(fake_java: MakeFakeJava) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    execute(
        make_operator(
            java,
            iceberg_catalog_config=GLUE,
            main_class="com.example.Main",
            max_heap="3g",
        )
    )
    call = java.call()
    dataset = call["files"]["--datasetConfig"]["path"]
    catalog = call["files"]["--icebergCatalogConfig"]["path"]
    assert call["java"] == str(java.path)
    assert call["args"] == [
        "-Xmx3g",
        "-XX:+ExitOnOutOfMemoryError",
        *ADD_OPENS,
        "-cp",
        CLASSPATH,
        "com.example.Main",
        "--datasetConfig",
        dataset,
        "--icebergCatalogConfig",
        catalog,
    ]


def test_command_line_defaults(
    fake_java: MakeFakeJava, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIPEGEN_XTABLE_CLASSPATH", raising=False)
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    execute(make_operator(java, classpath=None))
    args = java.call()["args"]
    assert args[: 2 + len(ADD_OPENS)] == [
        "-Xmx2g",
        "-XX:+ExitOnOutOfMemoryError",
        *ADD_OPENS,
    ]
    assert args[2 + len(ADD_OPENS) :][:3] == [
        "-cp",
        "/usr/local/airflow/xtable/lib/*",
        "pipegen.xtable.Launcher",
    ]


def test_classpath_from_the_environment(
    fake_java: MakeFakeJava, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPEGEN_XTABLE_CLASSPATH", "/mnt/xtable/*")
    java = fake_java(result_line(synced("sales", "ICEBERG")))
    execute(make_operator(java, classpath=None))
    args = java.call()["args"]
    assert args[args.index("-cp") + 1] == "/mnt/xtable/*"


def test_java_from_java_home(
    fake_java: MakeFakeJava, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = fake_java(
        result_line(synced("sales", "ICEBERG")),
        path=tmp_path / "corretto" / "bin" / "java",
    )
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "corretto"))
    execute(make_operator(java_bin=None))
    assert java.call()["java"] == str(java.path)


def test_java_from_path(
    fake_java: MakeFakeJava, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = fake_java(
        result_line(synced("sales", "ICEBERG")), path=tmp_path / "on-path" / "java"
    )
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", f"{java.path.parent}{os.pathsep}{os.environ['PATH']}")
    execute(make_operator(java_bin=None))
    assert java.call()["java"] == str(java.path)


def test_missing_java_is_reported_clearly(private_tmp: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-jdk" / "bin" / "java"
    with pytest.raises(AirflowException, match="Java not found at") as raised:
        execute(make_operator(java_bin=str(missing)))
    assert str(missing) in str(raised.value)
    assert "startup script installs it" in str(raised.value)
    assert list(private_tmp.iterdir()) == []


def test_missing_java_home_java_is_reported_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "empty-jdk"))
    with pytest.raises(AirflowException, match="Java not found at") as raised:
        execute(make_operator(java_bin=None))
    assert str(tmp_path / "empty-jdk" / "bin" / "java") in str(raised.value)


# --- success and failure detection ------------------------------------------------


def test_success_returns_the_synced_pairs(fake_java: MakeFakeJava) -> None:
    java = fake_java(
        "INFO Running sync for basePath s3://b/sales",
        err("WARN some noise on stderr"),
        result_line(synced("sales", "ICEBERG"), synced("sales", "HUDI")),
        "INFO Shutdown hook called",
    )
    result = execute(make_operator(java))
    assert result == [["sales", "ICEBERG"], ["sales", "HUDI"]]
    assert json.loads(json.dumps(result)) == result  # fit for XCom


def test_output_is_streamed_to_the_task_log_as_it_arrives(
    fake_java: MakeFakeJava, tmp_path: Path, task_log: Callable[[], list[str]]
) -> None:
    go = tmp_path / "go"
    java = fake_java(
        "first line on stdout",
        err("second line on stderr"),
        wait_for(go),  # the JVM does not finish until the test has seen the lines
        result_line(synced("sales", "ICEBERG")),
    )
    seen_while_running = []

    def release_when_logged() -> None:
        logged = wait_until(lambda: "second line on stderr" in task_log())
        seen_while_running.append(logged and "first line on stdout" in task_log())
        go.touch()

    helper = in_background(release_when_logged)
    result = execute(make_operator(java, sync_timeout=60))
    helper.join(5)
    assert seen_while_running == [True]
    assert result == [["sales", "ICEBERG"]]


ERROR_RUNNING_SYNC = (
    "2026-01-05 10:00:00 ERROR org.apache.xtable.utilities.RunSync:191 - "
    "Error running sync for s3://b/sales"
)


@pytest.mark.parametrize(
    ("steps", "exit_code", "message"),
    [
        pytest.param(
            [result_line(synced("sales", "ICEBERG"))],
            1,
            "the JVM exited with code 1",
            id="exit-code",
        ),
        pytest.param(
            [result_line(synced("sales", "ICEBERG"))],
            -signal.SIGKILL,
            "the JVM was killed by SIGKILL",
            id="killed",
        ),
        pytest.param(
            ["INFO all good, honestly"],
            0,
            "the launcher printed no 'pipegen-xtable-result:' line",
            id="no-result-line",
        ),
        pytest.param(
            ['pipegen-xtable-result: {"ok": true, "datasets": ['],
            0,
            "the result line is not valid JSON",
            id="unparsable",
        ),
        pytest.param(
            ['pipegen-xtable-result: {"ok": "yes", "datasets": []}'],
            0,
            "not an object with a boolean 'ok'",
            id="wrong-shape",
        ),
        pytest.param(
            ['pipegen-xtable-result: {"ok": true, "datasets": [{"table": "sales"}]}'],
            0,
            "lacks a string 'table', 'format' or 'status'",
            id="wrong-entry",
        ),
        pytest.param(
            [result_line(failed("sales", "ICEBERG", "No such table"))],
            0,
            "failed: sales (ICEBERG): No such table",
            id="dataset-failed",
        ),
        pytest.param(
            [result_line({**synced("sales", "ICEBERG"), "status": "SKIPPED"})],
            0,
            "failed: sales (ICEBERG) status 'SKIPPED'",
            id="unknown-status",
        ),
        pytest.param(
            [result_line(synced("sales", "ICEBERG"), ok=False)],
            0,
            "the launcher reported ok=false",
            id="ok-false",
        ),
        pytest.param(
            [result_line(synced("orders", "ICEBERG"))],
            0,
            "no result for table(s): sales",
            id="table-missing",
        ),
        pytest.param(
            [err(ERROR_RUNNING_SYNC), result_line(synced("sales", "ICEBERG"))],
            0,
            "Error running sync for s3://b/sales",
            id="xtable-runsync-error-log",
        ),
        pytest.param(
            [err(ERROR_RUNNING_SYNC), result_line(failed("sales", "ICEBERG", "x"))],
            0,
            "failed: sales (ICEBERG): x; the launcher reported ok=false; "
            "XTable logged 1 sync failure(s)",
            id="every-problem-reported",
        ),
        pytest.param(
            [result_line(synced("sales", "ICEBERG"))] * 2,
            0,
            "the launcher printed 2 result lines instead of one",
            id="two-result-lines",
        ),
        pytest.param(
            ["Terminating due to java.lang.OutOfMemoryError: Java heap space"],
            3,
            "the JVM ran out of memory, consider a larger max_heap",
            id="out-of-memory",
        ),
    ],
)
def test_failures_are_detected(
    fake_java: MakeFakeJava,
    private_tmp: Path,
    steps: list[Any],
    exit_code: int,
    message: str,
) -> None:
    java = fake_java(*steps, exit_code=exit_code)
    with pytest.raises(XTableSyncError, match="^XTable sync failed: ") as raised:
        execute(make_operator(java))
    assert message in str(raised.value)
    assert isinstance(raised.value, AirflowException)
    assert list(private_tmp.iterdir()) == []


def test_a_sync_the_launcher_recovered_succeeds(fake_java: MakeFakeJava) -> None:
    """XTable's lower-level error lines from a failed incremental attempt are not
    failures: the launcher retries it as a FULL sync and reports the outcome."""
    java = fake_java(
        err("10:00:01.000 ERROR TableFormatSync - Failed to sync table changes"),
        err(
            "10:00:01.001 ERROR ConversionController - Sync failed for the "
            "following formats ICEBERG"
        ),
        err(
            "10:00:01.002 WARN  DatasetSync - Incremental sync of sales to ICEBERG "
            "failed (x); retrying as a FULL snapshot sync"
        ),
        result_line(synced("sales", "ICEBERG")),
    )
    assert execute(make_operator(java)) == [["sales", "ICEBERG"]]


def test_every_failed_table_and_format_is_named(fake_java: MakeFakeJava) -> None:
    java = fake_java(
        result_line(
            synced("sales", "ICEBERG"),
            failed("sales", "HUDI", "hudi broke"),
            failed("orders", "ICEBERG", "glue denied"),
            synced("orders", "HUDI"),
        ),
        exit_code=0,
    )
    operator = make_operator(java, dataset_config=TWO_TABLES_TWO_FORMATS)
    with pytest.raises(XTableSyncError) as raised:
        execute(operator)
    assert "failed: sales (HUDI): hudi broke, orders (ICEBERG): glue denied" in str(
        raised.value
    )


def test_refused_tables_fail_the_task_naming_table_and_feature(
    fake_java: MakeFakeJava,
) -> None:
    java = fake_java(
        result_line(
            refused(
                "sales", "ICEBERG", "deletionVectors", "1 active data file has one"
            ),
            synced("sales", "HUDI"),
            failed("orders", "ICEBERG", "glue denied"),
            refused("orders", "HUDI", "columnMapping", "column mapping mode 'name'"),
        ),
        exit_code=1,
    )
    operator = make_operator(java, dataset_config=TWO_TABLES_TWO_FORMATS)
    with pytest.raises(XTableSyncError) as raised:
        execute(operator)
    message = str(raised.value)
    assert message.startswith(
        "XTable sync failed: the JVM exited with code 1; refused: sales (ICEBERG): "
        "refusing to translate the Delta table sales (s3://lake/sales): "
        "deletionVectors \u2014 1 active data file has one."
    )
    assert (
        "; orders (HUDI): refusing to translate the Delta table orders "
        "(s3://lake/orders): columnMapping \u2014 column mapping mode 'name'."
        in message
    )
    assert "; failed: orders (ICEBERG): glue denied;" in message
    assert "status 'REFUSED'" not in message


def test_all_tables_must_be_reported(fake_java: MakeFakeJava) -> None:
    java = fake_java(result_line(synced("sales", "ICEBERG"), synced("sales", "HUDI")))
    operator = make_operator(java, dataset_config=TWO_TABLES_TWO_FORMATS)
    with pytest.raises(XTableSyncError, match=r"no result for table\(s\): orders"):
        execute(operator)


def test_evaluation_needs_only_the_relevant_lines() -> None:
    output = [
        "INFO Running sync for basePath s3://b/sales for formats [ICEBERG]",
        ERROR_RUNNING_SYNC,
        "\tat org.apache.xtable.Foo.bar(Foo.java:1)",
        result_line(failed("sales", "ICEBERG", "boom")),
        "INFO Shutdown hook called",
    ]
    relevant = [line for line in output if xt.is_relevant_line(line)]
    assert relevant == [output[1], output[3]]
    messages = []
    for lines in (output, relevant):
        with pytest.raises(XTableSyncError) as raised:
            xt.evaluate_run(lines, returncode=0, expected_tables=["sales"])
        messages.append(str(raised.value))
    assert messages[0] == messages[1]


def test_evaluate_run_returns_results_on_success() -> None:
    results = xt.evaluate_run(
        ["noise", result_line(synced("sales", "ICEBERG"))],
        returncode=0,
        expected_tables=["sales"],
    )
    assert results == [xt.DatasetResult("sales", "ICEBERG", "SUCCESS", None)]


# --- timeouts and kills ------------------------------------------------------------


@pytest.mark.parametrize("sync_timeout", [1, 1.5, timedelta(seconds=1)])
def test_sync_timeout_kills_the_jvm(
    fake_java: MakeFakeJava, private_tmp: Path, sync_timeout: Any
) -> None:
    java = fake_java("started", sleep(30), spawn_sleeper=True)
    started = time.monotonic()
    with pytest.raises(XTableSyncError, match="exceeded sync_timeout"):
        execute(make_operator(java, sync_timeout=sync_timeout))
    assert time.monotonic() - started < 15
    # The whole process group went, including what the JVM had started.
    assert wait_until(lambda: not is_running(java.call()["sleeper_pid"]), timeout=5)
    assert list(private_tmp.iterdir()) == []


def test_execution_timeout_stops_the_jvm(
    fake_java: MakeFakeJava, private_tmp: Path
) -> None:
    """Airflow's own timeout (what execution_timeout uses) interrupts the read."""
    java = fake_java("started", sleep(30), spawn_sleeper=True)
    started = time.monotonic()
    with pytest.raises(AirflowTaskTimeout), timeout(2):
        execute(make_operator(java))
    assert time.monotonic() - started < 15
    assert wait_until(lambda: not is_running(java.call()["sleeper_pid"]), timeout=5)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("sync_timeout", [0, -1, timedelta(0)])
def test_sync_timeout_must_be_positive(sync_timeout: Any) -> None:
    with pytest.raises(ValueError, match="sync_timeout must be positive"):
        make_operator(sync_timeout=sync_timeout)


def test_on_kill_terminates_the_jvm(fake_java: MakeFakeJava, private_tmp: Path) -> None:
    java = fake_java("started", sleep(30), spawn_sleeper=True)
    operator = make_operator(java)

    def kill_once_started() -> None:
        if wait_until(lambda: bool(java.calls())):
            operator.on_kill()

    in_background(kill_once_started)
    started = time.monotonic()
    with pytest.raises(XTableSyncError, match="killed by SIGTERM"):
        execute(operator)
    assert time.monotonic() - started < 15
    assert wait_until(lambda: not is_running(java.call()["sleeper_pid"]), timeout=5)
    assert list(private_tmp.iterdir()) == []


def test_on_kill_without_a_running_jvm_does_nothing() -> None:
    make_operator().on_kill()


# --- templating ------------------------------------------------------------------


def test_nested_config_values_are_rendered(fake_java: MakeFakeJava) -> None:
    java = fake_java(result_line(synced("sales_20240105", "ICEBERG")))
    with DAG(
        "xtable_templating",
        schedule=None,
        start_date=datetime(2024, 1, 1),
        user_defined_macros={"bucket": "lake"},
    ) as owner:
        operator = make_operator(
            java,
            dataset_config={
                "sourceFormat": "DELTA",
                "targetFormats": ["{{ params.target }}"],
                "datasets": [
                    {
                        "tableBasePath": "s3://{{ bucket }}/sales/{{ ds_nodash }}",
                        "tableName": "sales_{{ ds_nodash }}",
                    }
                ],
            },
            iceberg_catalog_config={
                **GLUE,
                "catalogOptions": {"warehouse": "s3://{{ bucket }}/warehouse"},
            },
        )

    context = {"ds_nodash": "20240105", "params": {"target": "ICEBERG"}}
    operator.render_template_fields(context, jinja_env=owner.get_template_env())
    assert operator.dataset_config["datasets"][0] == {
        "tableBasePath": "s3://lake/sales/20240105",
        "tableName": "sales_20240105",
    }

    assert execute(operator) == [["sales_20240105", "ICEBERG"]]
    files = java.call()["files"]
    dataset = yaml.safe_load(files["--datasetConfig"]["text"])
    catalog = yaml.safe_load(files["--icebergCatalogConfig"]["text"])
    assert dataset["targetFormats"] == ["ICEBERG"]
    assert dataset["datasets"][0]["tableBasePath"] == "s3://lake/sales/20240105"
    assert catalog["catalogOptions"] == {"warehouse": "s3://lake/warehouse"}
