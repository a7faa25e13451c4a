#!/usr/bin/env python3
"""Fill one DagBag from a DAGs folder in this (fresh) process and report the cost as JSON.

    driver.py <dags_folder> --expect N [--mode fill|processor] [--shape FILE]

Run with the python of a bench-dagfactory-* venv (test/python/setup-venvs.sh).
It isolates Airflow from the caller's configuration (throwaway AIRFLOW_HOME,
no examples, no DB access) and then constructs the DagBag class the installed
Airflow's DAG processor uses, with its defaults (safe mode on, import timeout
raised to 600 s so that a slow file is measured instead of killed: the JSON
says how long each file took, to compare with MWAA's 30 s default).

stdout carries one JSON document:

    {airflow_version, python_version, dagbag_class,
     startup_s:   interpreter start → airflow and the DagBag class imported,
     fill_wall_s, fill_cpu_s:  the DagBag(...) call (what the DAG processor pays),
     process_cpu_s: user+sys of this whole process at exit,
     rss_before_fill_kb, peak_rss_kb: ru_maxrss before the fill and at exit,
     dags, tasks, import_errors: {file: text},
     files: [{file, seconds, dags, tasks}]}  # DagBag.dagbag_stats, per file

--shape FILE (fill mode) also writes what the bag holds, for comparing the
three variants (bench/parse-cost/equivalence.mjs): per DAG, every argument
of its constructor that the DAG keeps as an attribute, its timetable and
tags; per task, its class, upstream task ids, and every argument of every
constructor in its class's MRO that the operator keeps as an attribute (what
was passed, or the default). Left out: the DAG's `doc_md` (each variant
documents its DAGs its own way) and the file it was defined in.

--mode processor instead parses the folder the way Airflow's DAG processor
does (2.10 DagFileProcessorManager, 3.x DagFileProcessorProcess): airflow is
imported once in this "manager" process; for each DAG file it pre-imports the
`airflow.*` modules the file names ([scheduler|dag_processor]
parsing_pre_import_modules, on by default), then forks, and the child fills a
DagBag from that one file and serializes its DAGs, as the processor does
before sending them to the DB. Everything else the file imports (dag-factory,
the XTable operator module, ...) is imported again in every child. It reports

    {..., processor_files: [{file, parse_s, parse_cpu_s, serialize_s, child_cpu_s, dags, tasks}],
     dags, tasks, import_errors}

Exit status: 0 when the bag holds exactly N DAGs and no import errors,
1 otherwise (the JSON is still printed), 2 when this script itself fails.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

T0 = (
    time.perf_counter()
)  # after a few stdlib imports (< 5 ms): the interpreter's start, near enough


def _isolate(dags_folder: Path, home: Path) -> None:
    """Airflow config for a parse-only run; must happen before `import airflow`."""
    for key in list(os.environ):
        if key.startswith("AIRFLOW__") or key in ("AIRFLOW_CONFIG", "AIRFLOW_HOME"):
            del os.environ[key]
    (home / "plugins").mkdir()
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
            # Never created: nothing here queries the DB.
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW__SECRETS__BACKEND": "",
            # Measure slow files instead of killing them (MWAA default: 30 s).
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
            # dag-factory phones home at parse time unless told not to.
            "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
            "DO_NOT_TRACK": "1",
            "SCARF_NO_ANALYTICS": "1",
        }
    )


def _dagbag(dags_folder: Path):
    """The DagBag the installed Airflow's DAG processor fills (as test/python/inspect_dags.py)."""
    try:
        from airflow.dag_processing import dagbag as mod
    except ImportError:
        mod = None
    if mod is not None and hasattr(mod, "BundleDagBag"):
        cls = mod.BundleDagBag
        kwargs = {"bundle_path": dags_folder, "bundle_name": "dags-folder"}
    elif mod is not None and hasattr(mod, "DagBag"):
        cls, kwargs = mod.DagBag, {}
    else:
        from airflow.models.dagbag import DagBag as cls

        kwargs = {"include_examples": False}
    return cls, kwargs


def _norm(value):
    """A JSON-able, address-free form of an operator argument, for comparing bags."""
    from datetime import date, timedelta

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, timedelta):
        return {"timedelta": value.total_seconds()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_norm(v) for v in value]
        return (
            sorted(items, key=json.dumps)
            if isinstance(value, (set, frozenset))
            else items
        )
    operator = getattr(value, "operator", None)
    if operator is not None and hasattr(value, "key"):  # XComArg: same as the template
        return f"{{{{ ti.xcom_pull(task_ids='{operator.task_id}') }}}}"
    return f"<{type(value).__name__}>"


# Seconds or a timedelta: the sensors accept both with the same meaning.
_SECONDS = ("poke_interval", "timeout")
# Back-references to the DAG and the task group: compared as the DAG id and edges.
_TASK_SKIP = frozenset({"self", "dag", "task_group"})
# Documentation, which each variant writes its own way (pipegen: the
# description and a Mermaid graph; dag-factory: its YAML; hand-written: none),
# and the file the DAG was defined in (dag-factory: its one loader file).
_DAG_SKIP = frozenset({"self", "doc_md", "full_filepath", "fileloc"})
_PARAMS: dict[type, tuple[str, ...]] = {}


def _constructor_params(cls: type) -> tuple[str, ...]:
    """Keyword arguments of every __init__ along the class's MRO."""
    import inspect

    if cls not in _PARAMS:
        names: set[str] = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None:
                continue
            try:
                params = inspect.signature(init).parameters.values()
            except (TypeError, ValueError):  # builtins without a signature
                continue
            names.update(
                p.name
                for p in params
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            )
        _PARAMS[cls] = tuple(sorted(names))
    return _PARAMS[cls]


def _attributes(obj, skip: frozenset[str]) -> dict:
    """Every constructor argument the object keeps as an attribute, normalized."""
    out = {}
    for name in _constructor_params(type(obj)):
        if name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: BLE001, S112 -- a property that cannot answer is not an argument
            continue
        if name in _SECONDS and hasattr(value, "total_seconds"):
            value = value.total_seconds()
        elif name in _SECONDS and isinstance(value, (int, float)):
            value = float(value)
        out[name] = _norm(value)
    return out


def _task_shape(task) -> dict:
    return {
        "class": type(task).__name__,
        "upstream": sorted(task.upstream_task_ids),
        **_attributes(task, _TASK_SKIP),
    }


def _dag_shape(dag) -> dict:
    timetable = dag.timetable
    return {
        **_attributes(dag, _DAG_SKIP),
        "timetable": {
            "class": type(timetable).__name__,
            "value": _norm(timetable.serialize()),
        },
        # dag-factory tags every DAG it builds.
        "tags": sorted(t for t in dag.tags if t != "dagfactory"),
        "tasks": {t.task_id: _task_shape(t) for t in dag.tasks},
    }


def _shape(bag) -> dict:
    """What the bag holds, in a form the three variants can be compared in."""
    return {dag_id: _dag_shape(dag) for dag_id, dag in sorted(bag.dags.items())}


def _serializer():
    try:  # 3.x
        from airflow.serialization.serialized_objects import DagSerialization

        return DagSerialization.to_dict
    except ImportError:
        from airflow.serialization.serialized_objects import SerializedDAG

        return SerializedDAG.to_dict


def _warm_serializer(serialize) -> None:
    """Serialize one throwaway DAG here, in the "manager".

    The first serialization of a task with non-default dependencies (a
    sensor in reschedule mode) loads Airflow's plugins (entry points), ~0.35 s.
    A long-running DAG processor did that long ago; without this, every
    forked child would pay it again.
    """
    from airflow import plugins_manager

    for name in (
        "ensure_plugins_loaded",
        "initialize_ti_deps_plugins",
        "initialize_extra_operators_links_plugins",
    ):
        if hasattr(plugins_manager, name):
            getattr(plugins_manager, name)()
    import pendulum

    try:
        from airflow.sdk import DAG
    except ImportError:
        from airflow import DAG
    try:
        from airflow.providers.standard.operators.empty import EmptyOperator
    except ImportError:
        from airflow.operators.empty import EmptyOperator

    with DAG(
        "parse_cost_warmup", schedule=None, start_date=pendulum.datetime(2024, 1, 1)
    ) as dag:
        EmptyOperator(task_id="noop")
    serialize(dag)


def _process_one(cls, kwargs, path: str, serialize, write_fd: int) -> None:
    """In the forked child: what the DAG processor does with one file."""
    w0, c0 = time.perf_counter(), time.process_time()
    bag = cls(dag_folder=path, **kwargs)
    parse_s, parse_cpu = time.perf_counter() - w0, time.process_time() - c0
    s0 = time.perf_counter()
    for dag in bag.dags.values():
        serialize(dag)
    result = {
        "file": os.path.basename(path),
        "parse_s": parse_s,
        "parse_cpu_s": parse_cpu,
        "serialize_s": time.perf_counter() - s0,
        # A forked child's CPU clock starts at zero: this is all it used.
        "child_cpu_s": time.process_time(),
        "dags": len(bag.dags),
        "tasks": sum(len(d.tasks) for d in bag.dags.values()),
        "dag_ids": sorted(bag.dags),
        "import_errors": dict(bag.import_errors),
    }
    os.write(write_fd, json.dumps(result).encode())


def _processor(dags_folder: Path, cls, kwargs) -> dict:
    import importlib

    from airflow.utils.file import iter_airflow_imports, list_py_file_paths

    serialize = _serializer()
    _warm_serializer(serialize)
    results = []
    for path in sorted(list_py_file_paths(str(dags_folder), safe_mode=True)):
        for module in iter_airflow_imports(path):  # the manager's pre-import
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001, S110 -- Airflow's pre-import only logs these too
                pass
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                os.close(read_fd)
                _process_one(cls, kwargs, path, serialize, write_fd)
            except BaseException:  # noqa: BLE001 -- report and exit the child, whatever it was
                import traceback

                traceback.print_exc()
                code = 3
            finally:
                os._exit(code)
        os.close(write_fd)
        chunks = []
        while chunk := os.read(read_fd, 1 << 16):
            chunks.append(chunk)
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
        if status != 0 or not chunks:
            raise RuntimeError(
                f"processing {path} failed in the child (status {status})"
            )
        results.append(json.loads(b"".join(chunks)))
    return {
        "processor_files": [
            {k: v for k, v in r.items() if k not in ("dag_ids", "import_errors")}
            for r in results
        ],
        "dags": len({d for r in results for d in r["dag_ids"]}),
        "tasks": sum(r["tasks"] for r in results),
        "import_errors": {k: v for r in results for k, v in r["import_errors"].items()},
    }


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for dist in ("apache-airflow", "apache-airflow-providers-amazon", "dag-factory"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dags_folder", type=Path)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--mode", choices=["fill", "processor"], default="fill")
    ap.add_argument("--shape", type=Path, help="write what the bag holds here (JSON)")
    args = ap.parse_args()
    dags_folder = args.dags_folder.resolve()
    # Airflow 3 logs to stdout: keep stdout for the JSON document only.
    result = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    with tempfile.TemporaryDirectory(prefix="parse-cost-home-") as home:
        _isolate(dags_folder, Path(home))
        import airflow

        cls, kwargs = _dagbag(dags_folder)
        startup = time.perf_counter() - T0
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if args.mode == "processor":
            out = {
                "airflow_version": airflow.__version__,
                "python_version": sys.version.split()[0],
                "versions": _versions(),
                "dagbag_class": f"{cls.__module__}.{cls.__qualname__}",
                **_processor(dags_folder, cls, kwargs),
            }
            print(json.dumps(out), file=result, flush=True)
            return 0 if out["dags"] == args.expect and not out["import_errors"] else 1

        w0, c0 = time.perf_counter(), time.process_time()
        bag = cls(dag_folder=str(dags_folder), **kwargs)
        fill_wall, fill_cpu = time.perf_counter() - w0, time.process_time() - c0

        ru = resource.getrusage(resource.RUSAGE_SELF)
        if args.shape:
            args.shape.write_text(json.dumps(_shape(bag), sort_keys=True))
        files = [
            {
                "file": s.file.lstrip("/"),
                "seconds": s.duration.total_seconds(),
                "dags": s.dag_num,
                "tasks": s.task_num,
            }
            for s in bag.dagbag_stats
        ]
        out = {
            "airflow_version": airflow.__version__,
            "python_version": sys.version.split()[0],
            "versions": _versions(),
            "dagbag_class": f"{cls.__module__}.{cls.__qualname__}",
            "startup_s": startup,
            "fill_wall_s": fill_wall,
            "fill_cpu_s": fill_cpu,
            "process_cpu_s": ru.ru_utime + ru.ru_stime,
            "rss_before_fill_kb": rss_before,
            "peak_rss_kb": ru.ru_maxrss,
            "dags": len(bag.dags),
            "tasks": sum(len(d.tasks) for d in bag.dags.values()),
            "import_errors": dict(bag.import_errors),
            "files": files,
        }
    print(json.dumps(out), file=result, flush=True)
    ok = out["dags"] == args.expect and not out["import_errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException:  # noqa: BLE001 -- exit 2 means "the driver broke", not "the bag is wrong"
        import traceback

        traceback.print_exc()
        sys.exit(2)
