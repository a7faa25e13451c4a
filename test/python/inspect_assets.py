"""Dump the data-aware wiring of a DAGs folder as the installed Airflow sees it.

    inspect_assets.py <dags_folder>   ->   {"airflow_version", "import_errors", "dags": {...}}

For each DAG: its timetable class, the condition of an asset (2.x: dataset)
schedule as {"op": "all"|"any", "assets": [...]} (null for a time schedule),
and each task's outlets. Every asset is [uri, name]: the URI after Airflow's
own normalization, and (3.x) the name Airflow identifies it by with the URI
(2.x has no names: null). A consumer is triggered by a producer only when
both agree on each. Parsing goes through inspect_dags.py's DagBag.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inspect_dags  # noqa: E402


def _asset(a: Any) -> list[Any]:
    return [a.uri, getattr(a, "name", None)]


def _condition(cond: Any) -> dict[str, Any] | list[Any] | None:
    if cond is None or type(cond).__name__ in ("_NullDataset", "_NullAsset"):
        return None
    kind = type(cond).__name__
    if kind in ("DatasetAll", "AssetAll", "DatasetAny", "AssetAny"):
        return {
            "op": "any" if kind.endswith("Any") else "all",
            "assets": [_condition(o) for o in cond.objects],
        }
    return _asset(cond)


def run(dags_folder: Path) -> dict[str, Any]:
    import airflow

    dagbag, _ = inspect_dags._fill_dagbag(dags_folder)
    dags = {}
    for dag_id in sorted(dagbag.dags):
        dag = dagbag.dags[dag_id]
        timetable = dag.timetable
        cond = getattr(timetable, "asset_condition", None) or getattr(
            timetable, "dataset_condition", None
        )
        dags[dag_id] = {
            "timetable": f"{type(timetable).__module__}.{type(timetable).__qualname__}",
            "schedule": _condition(cond),
            "outlets": {
                t.task_id: [_asset(o) for o in t.outlets]
                for t in sorted(dag.tasks, key=lambda t: t.task_id)
                if t.outlets
            },
            "serialization_error": inspect_dags._serialization_error(dag),
        }
    return {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in dagbag.import_errors.items()},
        "dags": dags,
    }


def main(argv: list[str]) -> int:
    dags_folder = Path(argv[0]).resolve()
    json_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    home = Path(tempfile.mkdtemp(prefix="inspect-assets-airflow-home-"))
    try:
        inspect_dags._prepare_environment(dags_folder, home, None)
        json.dump(run(dags_folder), json_out, indent=1, default=str)
        json_out.write("\n")
        json_out.flush()
        return 0
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
