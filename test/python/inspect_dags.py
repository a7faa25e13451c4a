#!/usr/bin/env python3
"""Parse a DAGs folder with the installed Airflow and dump what it sees as JSON.

Run it with the python of one of the venvs that test/python/setup-venvs.sh
builds (Airflow 2.x or 3.x):

    inspect_dags.py <dags_folder> \
        --data-interval-start 2024-03-05T00:00:00+00:00 \
        --data-interval-end 2024-03-06T00:00:00+00:00 \
        [--run-after 2024-03-07T10:00:00+00:00] [--plugins-folder DIR] [--render-all]
        [--conf '{"run_date": "2024-02-29"}']

Modules next to the DAG files (and in --plugins-folder) are importable, as on
MWAA. It needs no database and no existing AIRFLOW_HOME: a throwaway one is set up
before airflow is imported. stdout carries exactly one JSON document; Airflow's
own output goes to stderr. Exit status: 0 after a complete dump (even with
import errors: the caller asserts on them), 2 when this script itself fails.

Output (see the per-key notes in ``inspect``):

    {"airflow_version", "provider_amazon_version", "dagbag_class",
     "runs": {"scheduled": {...}, "manual": {...}},   # the dag_run values used
     "import_errors": {file: text}, "warnings": {file: [text]},
     "dags": {dag_id: {fileloc, schedule, catchup, max_active_runs, tags,
              start_date, doc_md, serialization_error,
              params: {name: {has_default, default, schema, description}},
              groups: {group_id: {parent, tooltip, children}},
              tasks: {task_id: {class, task_group, upstream, downstream,
              trigger_rule, retries, retry_delay_seconds, execution_timeout_seconds,
              rendered_scheduled: {field: value}, rendered_manual: {field: value}}}}}}

Template contexts follow what the installed Airflow builds at run time
(airflow.models.taskinstance._get_template_context on 2.x,
airflow.sdk.execution_time.task_runner.RuntimeTaskInstance.get_template_context
on 3.x), minus anything that needs a metadata DB or API server:

* scheduled run: logical_date = data_interval_start, run_after = --run-after
  (default: data_interval_end), run_type "scheduled".
* manual run on 2.x: logical_date = run_after (Airflow 2 sets the execution
  date of a triggered run to the trigger time), the data interval is the one
  given, run_type "manual", external_trigger True.
* manual run on 3.x: no logical date and no data interval. The context has no
  logical_date/ds/ds_nodash/ts*/data_interval_*/prev_data_interval_* keys at
  all; dag_run.logical_date/data_interval_start/data_interval_end are None and
  dag_run.run_after = --run-after.
* the manual run carries --conf (default {}), which sets params as a trigger
  form does; the scheduled run has none, so params take their defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

TEMPLATE_MARKERS = ("{{", "{%")


# --------------------------------------------------------------------------- env


def _prepare_environment(dags_folder: Path, home: Path, plugins: Path | None) -> None:
    """Isolate Airflow from the caller's config; must run before `import airflow`.

    Deliberately not unit-test mode: its config differs from the defaults MWAA
    runs with (on 3.x it sets [scheduler] create_cron_data_intervals = True,
    which changes the timetable of every cron-scheduled DAG). AIRFLOW__* set
    by the caller are kept, so that option and others can still be chosen.
    """
    for key in ("AIRFLOW_CONFIG", "AIRFLOW_HOME"):
        os.environ.pop(key, None)
    if plugins is None:
        plugins = home / "plugins"
        plugins.mkdir()
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            # On sys.path, like MWAA's unpacked plugins.zip.
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
            "AIRFLOW__CORE__DAG_DISCOVERY_SAFE_MODE": "False",
            # Never created: nothing here queries the DB.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get(
                "INSPECT_DAGS_LOG_LEVEL", "WARNING"
            ),
            # A DAG file that reads a Variable at parse time must fail
            # loudly rather than find one in the caller's environment.
            "AIRFLOW__SECRETS__BACKEND": "",
        }
    )


# ---------------------------------------------------------------- airflow compat


def _airflow_major() -> int:
    import airflow

    return int(airflow.__version__.split(".")[0])


def _dagbag_class():
    """The DagBag the installed Airflow's own DAG parsing uses, never a shim.

    3.x (3.1+): airflow.dag_processing.dagbag.BundleDagBag, as the dag
    processor uses it (it also puts the bundle root, here the DAGs folder, on
    sys.path); else airflow.dag_processing.dagbag.DagBag; 2.x and 3.0:
    airflow.models.dagbag.DagBag (2.x puts the DAGs folder on sys.path itself).
    """
    try:
        from airflow.dag_processing import dagbag
    except ImportError:
        dagbag = None
    if dagbag is not None:
        for name in ("BundleDagBag", "DagBag"):
            if hasattr(dagbag, name):
                return getattr(dagbag, name)
    from airflow.models.dagbag import DagBag

    return DagBag


def _fill_dagbag(dags_folder: Path):
    import inspect

    dagbag_cls = _dagbag_class()
    params = inspect.signature(dagbag_cls.__init__).parameters
    kwargs: dict[str, Any] = {"dag_folder": str(dags_folder), "safe_mode": False}
    if "include_examples" in params:  # gone in 3.x, where examples are a bundle
        kwargs["include_examples"] = False
    if "read_dags_from_db" in params:
        kwargs["read_dags_from_db"] = False
    if "bundle_path" in params or dagbag_cls.__name__ == "BundleDagBag":
        # Parse like the dag processor does a "dags-folder" bundle: modules
        # next to the DAG files are importable.
        kwargs["bundle_path"] = dags_folder
        kwargs["bundle_name"] = "dags-folder"
    if str(dags_folder) not in sys.path:
        sys.path.append(str(dags_folder))
    return dagbag_cls(**kwargs), f"{dagbag_cls.__module__}.{dagbag_cls.__qualname__}"


def _provider_amazon_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apache-airflow-providers-amazon")
    except PackageNotFoundError:
        return None


# ------------------------------------------------------------------ run contexts


class _OfflineTaskInstance:
    """Stand-in for `ti`/`task_instance`: identity fields only, no DB access."""

    def __init__(self, task, dag_run) -> None:
        self.task = task
        self.task_id = task.task_id
        self.dag_id = task.dag_id
        self.run_id = dag_run.run_id
        self.map_index = -1
        self.try_number = 1
        self.max_tries = task.retries or 0
        self.dag_run = dag_run

    def xcom_pull(self, *args, **kwargs):
        raise RuntimeError(
            "ti.xcom_pull() needs a running Airflow; not available offline"
        )

    def __repr__(self) -> str:
        return f"<TaskInstance: {self.dag_id}.{self.task_id} {self.run_id}>"


def _run_id(run_type: str, when: datetime) -> str:
    return f"{run_type}__{when.isoformat()}"


def _make_dag_run_2(dag, run: dict[str, Any]):
    """A transient (never persisted) airflow.models.dagrun.DagRun, as on 2.x."""
    from airflow.models.dagrun import DagRun

    return DagRun(
        dag_id=dag.dag_id,
        run_id=run["run_id"],
        execution_date=run["logical_date"],
        start_date=run["run_after"],
        data_interval=(run["data_interval_start"], run["data_interval_end"]),
        run_type=run["run_type"],
        external_trigger=run["run_type"] == "manual",
        conf=run["conf"],
        state="running",
    )


def _make_dag_run_3(dag, run: dict[str, Any]):
    """The task SDK's DagRun model (what `dag_run` is in a 3.x task context)."""
    fields = {
        "dag_id": dag.dag_id,
        "run_id": run["run_id"],
        "logical_date": run["logical_date"],
        "data_interval_start": run["data_interval_start"],
        "data_interval_end": run["data_interval_end"],
        "run_after": run["run_after"],
        "start_date": run["run_after"],
        "end_date": None,
        "clear_number": 0,
        "run_type": run["run_type"],
        "state": "running",
        "conf": run["conf"],
        "consumed_asset_events": [],
        "partition_key": None,
    }
    try:
        from airflow.sdk.api.datamodels._generated import DagRun

        known = DagRun.model_fields
        return DagRun.model_validate({k: v for k, v in fields.items() if k in known})
    except Exception:  # private module: fall back to a plain object
        return SimpleNamespace(**fields)


def _context_2(dag, task, run: dict[str, Any]):
    import warnings

    from airflow import macros
    from airflow.configuration import conf
    from airflow.models.param import process_params
    from airflow.utils.context import ConnectionAccessor, Context, VariableAccessor

    dag_run = _make_dag_run_2(dag, run)
    logical_date = run["logical_date"]  # pendulum, UTC (see _parse_dt)
    ds = logical_date.strftime("%Y-%m-%d")
    ds_nodash = ds.replace("-", "")
    ts = logical_date.isoformat()
    manual = run["run_type"] == "manual"

    next_execution_date = logical_date if manual else None
    prev_execution_date = logical_date if manual else None
    if not manual:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = dag.next_dagrun_info(
                dag.get_run_data_interval(dag_run), restricted=False
            )
            if info is not None:
                next_execution_date = info.logical_date
            prev_execution_date = dag.previous_schedule(logical_date)

    def _ds(d):
        return None if d is None else d.strftime("%Y-%m-%d")

    def _nodash(s):
        return None if s is None else s.replace("-", "")

    ti = _OfflineTaskInstance(task, dag_run)
    context = {
        "conf": conf,
        "dag": dag,
        "dag_run": dag_run,
        "data_interval_end": run["data_interval_end"],
        "data_interval_start": run["data_interval_start"],
        "outlet_events": {},
        "ds": ds,
        "ds_nodash": ds_nodash,
        "execution_date": logical_date,
        "expanded_ti_count": None,
        "inlets": task.inlets,
        "inlet_events": {},
        "logical_date": logical_date,
        "macros": macros,
        "map_index_template": getattr(task, "map_index_template", None),
        "next_ds": _ds(next_execution_date),
        "next_ds_nodash": _nodash(_ds(next_execution_date)),
        "next_execution_date": next_execution_date,
        "outlets": task.outlets,
        "params": process_params(dag, task, dag_run, suppress_exception=True),
        # No earlier successful run exists offline.
        "prev_data_interval_start_success": None,
        "prev_data_interval_end_success": None,
        "prev_ds": _ds(prev_execution_date),
        "prev_ds_nodash": _nodash(_ds(prev_execution_date)),
        "prev_execution_date": prev_execution_date,
        "prev_execution_date_success": None,
        "prev_start_date_success": None,
        "prev_end_date_success": None,
        "run_id": dag_run.run_id,
        "task": task,
        "task_instance": ti,
        "task_instance_key_str": f"{task.dag_id}__{task.task_id}__{ds_nodash}",
        "test_mode": False,
        "ti": ti,
        "tomorrow_ds": (logical_date + timedelta(1)).strftime("%Y-%m-%d"),
        "tomorrow_ds_nodash": (logical_date + timedelta(1)).strftime("%Y%m%d"),
        "triggering_dataset_events": {},
        "ts": ts,
        "ts_nodash": logical_date.strftime("%Y%m%dT%H%M%S"),
        "ts_nodash_with_tz": ts.replace("-", "").replace(":", ""),
        "var": {
            "json": VariableAccessor(deserialize_json=True),
            "value": VariableAccessor(deserialize_json=False),
        },
        "conn": ConnectionAccessor(),
        "yesterday_ds": (logical_date - timedelta(1)).strftime("%Y-%m-%d"),
        "yesterday_ds_nodash": (logical_date - timedelta(1)).strftime("%Y%m%d"),
    }
    return Context(context)


def _context_3(dag, task, run: dict[str, Any]):
    from airflow.sdk.definitions.param import process_params
    from airflow.sdk.execution_time.context import (
        ConnectionAccessor,
        MacrosAccessor,
        VariableAccessor,
    )

    dag_run = _make_dag_run_3(dag, run)
    ti = _OfflineTaskInstance(task, dag_run)
    context: dict[str, Any] = {
        "dag": dag,
        "inlets": task.inlets,
        "map_index_template": getattr(task, "map_index_template", None),
        "outlets": task.outlets,
        "run_id": dag_run.run_id,
        "task": task,
        "task_instance": ti,
        "ti": ti,
        "outlet_events": {},
        "inlet_events": {},
        "macros": MacrosAccessor(),
        "params": process_params(dag, task, run["conf"], suppress_exception=False),
        "var": {
            "json": VariableAccessor(deserialize_json=True),
            "value": VariableAccessor(deserialize_json=False),
        },
        "conn": ConnectionAccessor(),
        "dag_run": dag_run,
        "partition_key": None,
        "partition_date": None,
        "triggering_asset_events": {},
        "task_instance_key_str": f"{task.dag_id}__{task.task_id}__{dag_run.run_id}",
        "task_reschedule_count": 0,
        "prev_start_date_success": None,
        "prev_end_date_success": None,
    }
    logical_date = run["logical_date"]
    if logical_date is not None:  # logical_date and data interval come together
        ds = logical_date.strftime("%Y-%m-%d")
        ds_nodash = ds.replace("-", "")
        ts = logical_date.isoformat()
        context.update(
            {
                "logical_date": logical_date,
                "ds": ds,
                "ds_nodash": ds_nodash,
                "task_instance_key_str": f"{task.dag_id}__{task.task_id}__{ds_nodash}",
                "ts": ts,
                "ts_nodash": logical_date.strftime("%Y%m%dT%H%M%S"),
                "ts_nodash_with_tz": ts.replace("-", "").replace(":", ""),
                "data_interval_end": run["data_interval_end"],
                "data_interval_start": run["data_interval_start"],
                "prev_data_interval_start_success": None,
                "prev_data_interval_end_success": None,
            }
        )
    return context


def _runs(major: int, start, end, run_after, conf: dict | None = None) -> dict[str, dict[str, Any]]:
    conf = conf or {}
    scheduled = {
        "conf": {},
        "run_type": "scheduled",
        "run_id": _run_id("scheduled", start),
        "logical_date": start,
        "data_interval_start": start,
        "data_interval_end": end,
        "run_after": run_after,
    }
    if major >= 3:
        manual = {
            "conf": conf,
            "run_type": "manual",
            "run_id": _run_id("manual", run_after),
            "logical_date": None,
            "data_interval_start": None,
            "data_interval_end": None,
            "run_after": run_after,
        }
    else:
        manual = {
            "conf": conf,
            "run_type": "manual",
            "run_id": _run_id("manual", run_after),
            "logical_date": run_after,
            "data_interval_start": start,
            "data_interval_end": end,
            "run_after": run_after,
        }
    return {"scheduled": scheduled, "manual": manual}


# --------------------------------------------------------------------- rendering


def _has_template(value: Any) -> bool:
    if isinstance(value, str):
        return any(m in value for m in TEMPLATE_MARKERS)
    if isinstance(value, dict):
        return any(_has_template(k) or _has_template(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_has_template(v) for v in value)
    return False


def _jsonable(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        pass
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _render_fields(task, context, jinja_env, render_all: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in getattr(task, "template_fields", ()) or ():
        try:
            value = getattr(task, field)
        except AttributeError:
            continue
        if render_all:
            # Plain values too: a string ending in one of the operator's
            # template_ext is read as a template file name, markers or not.
            if not isinstance(value, (str, list, tuple, dict)):
                continue
        elif not value or not _has_template(value):
            continue
        try:
            out[field] = _jsonable(task.render_template(value, context, jinja_env))
        except Exception as exc:  # report, don't crash
            out[field] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


# ------------------------------------------------------------------ description


def _seconds(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def _enum_value(value) -> Any:
    return getattr(value, "value", value)


def _schedule(dag) -> str | None:
    from datetime import timedelta as _td

    raw = getattr(dag, "schedule", None)  # 3.x keeps the argument as given
    if raw is None and hasattr(dag, "schedule_interval"):
        raw = dag.schedule_interval  # 2.x
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, _td):
        return str(raw)
    if type(raw).__name__ == "ArgNotSet":
        return None
    summary = getattr(getattr(dag, "timetable", None), "summary", None)
    return str(summary) if summary is not None else str(raw)


def _first_interval_from(timetable, earliest) -> dict[str, str | None] | None:
    """The data interval the timetable itself gives the first run at or after
    `earliest`: proof of what a real scheduled run would render with. None
    for timetables that cannot schedule, and for Airflow 3's task-SDK
    timetables, which leave scheduling to the core classes."""
    if not getattr(timetable, "can_be_scheduled", False):
        return None
    if not hasattr(timetable, "next_dagrun_info"):
        return None
    from airflow.timetables.base import TimeRestriction

    try:
        info = timetable.next_dagrun_info(
            last_automated_data_interval=None,
            restriction=TimeRestriction(earliest=earliest, latest=None, catchup=True),
        )
    except Exception as exc:  # e.g. a cron that never fires: what the scheduler hits
        return {"error": f"{type(exc).__name__}: {exc}"}
    if info is None:
        return None
    return {
        "start": _iso(info.data_interval.start),
        "end": _iso(info.data_interval.end),
        "run_after": _iso(info.run_after),
    }


def _sensed_s3_object(task, rendered: dict[str, Any]):
    """For an S3KeySensor: the [bucket, key] its pokes ask S3 for, from the
    rendered key, through the provider's own S3Hook.get_s3_bucket_key (what
    the sensor and its trigger call first on every poke); or {"error"}."""
    if type(task).__name__ != "S3KeySensor":
        return None
    key = rendered.get("bucket_key", task.bucket_key)
    if not isinstance(key, str):
        return None
    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    try:
        return list(
            S3Hook.get_s3_bucket_key(task.bucket_name, key, "bucket_name", "bucket_key")
        )
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def _serialization_error(dag) -> str | None:
    """What the scheduler (2.x) or the dag processor (3.x) would hit when it
    serializes the DAG: None when it serializes and deserializes cleanly."""
    try:
        try:
            from airflow.serialization.serialized_objects import (
                DagSerialization as serializer,
            )
        except ImportError:  # 2.x
            from airflow.serialization.serialized_objects import (
                SerializedDAG as serializer,
            )
        serializer.from_dict(json.loads(json.dumps(serializer.to_dict(dag))))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _params(dag) -> dict[str, Any]:
    """Each declared param: its default (when it has one), JSON Schema and description."""
    out: dict[str, Any] = {}
    for name in dag.params.keys():
        param = dag.params.get_param(name)
        # None is a default (of a nullable param); only Airflow's NOTSET is none.
        has_default = type(param.value).__name__ != "ArgNotSet"
        out[name] = {
            "has_default": has_default,
            "default": _jsonable(param.value) if has_default else None,
            "schema": _jsonable(param.schema),
            "description": param.description,
        }
    return out


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _task_class(task) -> str:
    cls = type(task)
    if (
        cls.__name__ == "MappedOperator"
        and getattr(task, "operator_class", None) is not None
    ):
        op = task.operator_class
        if isinstance(op, type):
            cls = op
    return _class_path(cls)


def _group_id(group) -> str | None:
    """A task group's id; None for the DAG's root group (or no group)."""
    return None if group is None else group.group_id


def _groups(dag) -> dict[str, Any]:
    """Every task group of the DAG (the root excluded), as Airflow built it:
    group_id -> {parent (None at the top), tooltip, children: sorted ids}."""
    out: dict[str, Any] = {}
    for group_id, group in sorted((dag.task_group_dict or {}).items()):
        out[group_id] = {
            "parent": _group_id(group.parent_group),
            "tooltip": group.tooltip or None,
            "children": sorted(group.children),
        }
    return out


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def inspect(
    dags_folder: Path,
    start,
    end,
    run_after,
    render_all: bool = False,
    conf: dict | None = None,
) -> dict[str, Any]:
    import warnings

    import airflow

    major = _airflow_major()
    dagbag, dagbag_class = _fill_dagbag(dags_folder)
    runs = _runs(major, start, end, run_after, conf or {})
    make_context = _context_3 if major >= 3 else _context_2

    def _abs(path: str) -> str:
        p = Path(path)
        return str(p if p.is_absolute() else dags_folder / p)

    dags: dict[str, Any] = {}
    for dag_id in sorted(dagbag.dags):
        dag = dagbag.dags[dag_id]
        jinja_env = dag.get_template_env()
        tasks: dict[str, Any] = {}
        for task in sorted(dag.tasks, key=lambda t: t.task_id):
            rendered = {}
            for kind, run in runs.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # deprecated context keys etc.
                    try:
                        context = make_context(dag, task, run)
                    except Exception as exc:
                        rendered[kind] = {
                            "__context__": {"error": f"{type(exc).__name__}: {exc}"}
                        }
                        continue
                    rendered[kind] = _render_fields(
                        task, context, jinja_env, render_all
                    )
            sensed = _sensed_s3_object(task, rendered["scheduled"])
            tasks[task.task_id] = {
                **({"sensed_scheduled": sensed} if sensed is not None else {}),
                "class": _task_class(task),
                "task_group": _group_id(getattr(task, "task_group", None)),
                "upstream": sorted(task.upstream_task_ids),
                "downstream": sorted(task.downstream_task_ids),
                "trigger_rule": _enum_value(task.trigger_rule),
                "retries": task.retries,
                "retry_delay_seconds": _seconds(getattr(task, "retry_delay", None)),
                "execution_timeout_seconds": _seconds(
                    getattr(task, "execution_timeout", None)
                ),
                "rendered_scheduled": rendered["scheduled"],
                "rendered_manual": rendered["manual"],
            }
        timetable = getattr(dag, "timetable", None)
        dags[dag_id] = {
            "fileloc": dag.fileloc,
            "schedule": _schedule(dag),
            # e.g. CronDataIntervalTimetable (2.x default for cron) versus
            # CronTriggerTimetable (3.x default: data interval = one instant).
            "timetable": None if timetable is None else _class_path(type(timetable)),
            "timetable_summary": getattr(timetable, "summary", None),
            "first_interval_from_start": _first_interval_from(timetable, start),
            "catchup": bool(dag.catchup),
            "max_active_runs": dag.max_active_runs,
            "tags": sorted(dag.tags or []),
            "start_date": _iso(dag.start_date),
            "doc_md": dag.doc_md,
            "serialization_error": _serialization_error(dag),
            "params": _params(dag),
            "groups": _groups(dag),
            "tasks": tasks,
        }

    return {
        "airflow_version": airflow.__version__,
        "provider_amazon_version": _provider_amazon_version(),
        "dagbag_class": dagbag_class,
        "runs": {
            kind: {
                k: (_iso(v) if isinstance(v, datetime) else v) for k, v in run.items()
            }
            for kind, run in runs.items()
        },
        "import_errors": {
            _abs(k): str(v) for k, v in sorted(dagbag.import_errors.items())
        },
        "warnings": {
            _abs(k): [str(w) for w in v]
            for k, v in sorted(getattr(dagbag, "captured_warnings", {}).items())
        },
        "dags": dags,
    }


# -------------------------------------------------------------------------- main


def _parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dags_folder", type=Path)
    p.add_argument("--data-interval-start", required=True, metavar="ISO8601")
    p.add_argument("--data-interval-end", required=True, metavar="ISO8601")
    p.add_argument(
        "--run-after", metavar="ISO8601", help="default: the data interval end"
    )
    p.add_argument(
        "--render-all",
        action="store_true",
        help="render every template field, not only those with Jinja markers",
    )
    p.add_argument(
        "--conf",
        type=json.loads,
        default={},
        metavar="JSON",
        help="the manual run's conf (sets params as the trigger form does)",
    )
    p.add_argument(
        "--plugins-folder",
        type=Path,
        metavar="DIR",
        help="Airflow plugins folder (e.g. an unpacked plugins.zip); default: empty",
    )
    return p.parse_args(argv)


def _parse_dt(text: str, what: str):
    import pendulum

    dt = pendulum.parse(text)
    if not isinstance(dt, pendulum.DateTime):
        raise ValueError(f"--{what} is not a date-time: {text!r}")
    return dt.in_timezone("UTC")


def main(argv: list[str]) -> int:
    args = _parse_args(argv)
    dags_folder = args.dags_folder.resolve()
    if not dags_folder.is_dir():
        print(f"inspect_dags.py: not a directory: {dags_folder}", file=sys.stderr)
        return 2

    # stdout is reserved for the JSON document: point fd 1 (and so anything
    # Airflow, its loggers or DAG files print) at stderr until the end.
    json_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    plugins = args.plugins_folder.resolve() if args.plugins_folder else None
    if plugins is not None and not plugins.is_dir():
        print(f"inspect_dags.py: not a directory: {plugins}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="inspect-dags-airflow-home-"))
    try:
        _prepare_environment(dags_folder, home, plugins)
        start = _parse_dt(args.data_interval_start, "data-interval-start")
        end = _parse_dt(args.data_interval_end, "data-interval-end")
        run_after = _parse_dt(args.run_after, "run-after") if args.run_after else end
        result = inspect(dags_folder, start, end, run_after, args.render_all, args.conf)
        json.dump(result, json_out, indent=2, sort_keys=False, default=str)
        json_out.write("\n")
        json_out.flush()
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(2)
