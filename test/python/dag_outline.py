"""Dump what inspect_dags.py leaves out, for comparing two ways of building a DAG.

    dag_outline.py <dags_folder> [<attributes.json>]   ->   {"airflow_version", "import_errors", "dags": {...}}

For each DAG: its description and its DAG-level failure and success callbacks
(each notifier's class, target and texts). For each task: its owner, its task
group (None at the top level), its outlets' URIs, and the value of each
attribute that <attributes.json> ({task_id: [name, ...]}) names, read from
the constructed operator (a templated one holding Jinja is left to
inspect_dags.py, which renders it) (so `poke_interval: 300` and
`timedelta(minutes=5)` compare equal, as Airflow stores both as 300.0).
Parsing goes through inspect_dags.py's DagBag.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inspect_dags

NOTIFIER_FIELDS = ("target_arn", "subject", "message", "slack_webhook_conn_id", "text")


def _value(v: Any) -> Any:
    if isinstance(v, timedelta):
        return v.total_seconds()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _value(x) for k, x in v.items()}
    return repr(v)


def _callbacks(cb: Any) -> list[dict[str, Any]]:
    if cb is None:
        return []
    out = []
    for c in cb if isinstance(cb, list) else [cb]:
        fields = {
            f: getattr(c, f) for f in NOTIFIER_FIELDS if getattr(c, f, None) is not None
        }
        out.append({"class": f"{type(c).__module__}.{type(c).__qualname__}", **fields})
    return out


def _rendered_elsewhere(task: Any, name: str) -> bool:
    """inspect_dags.py renders a templated field that holds Jinja, and compares that."""
    value = json.dumps(_value(getattr(task, name, None)))
    return name in task.template_fields and any(
        m in value for m in inspect_dags.TEMPLATE_MARKERS
    )


def _group(task: Any) -> str | None:
    group = getattr(task, "task_group", None)
    return None if group is None or group.is_root else group.group_id


def run(dags_folder: Path, attributes: dict[str, list[str]]) -> dict[str, Any]:
    import airflow

    dagbag, _ = inspect_dags._fill_dagbag(dags_folder)
    dags = {}
    for dag_id in sorted(dagbag.dags):
        dag = dagbag.dags[dag_id]
        dags[dag_id] = {
            "description": dag.description,
            "on_failure_callback": _callbacks(dag.on_failure_callback),
            "on_success_callback": _callbacks(dag.on_success_callback),
            "tasks": {
                t.task_id: {
                    "owner": t.owner,
                    "task_group": _group(t),
                    "outlets": [o.uri for o in t.outlets],
                    "attributes": {
                        a: _value(getattr(t, a, "<absent>"))
                        for a in attributes.get(t.task_id, [])
                        if not _rendered_elsewhere(t, a)
                    },
                }
                for t in sorted(dag.tasks, key=lambda t: t.task_id)
            },
        }
    return {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in dagbag.import_errors.items()},
        "dags": dags,
    }


def main(argv: list[str]) -> int:
    dags_folder = Path(argv[0]).resolve()
    attributes = json.loads(Path(argv[1]).read_text(encoding="utf-8")) if len(argv) > 1 else {}
    json_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    home = Path(tempfile.mkdtemp(prefix="dag-outline-airflow-home-"))
    try:
        inspect_dags._prepare_environment(dags_folder, home, None)
        json.dump(run(dags_folder, attributes), json_out, indent=1, default=str)
        json_out.write("\n")
        json_out.flush()
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
