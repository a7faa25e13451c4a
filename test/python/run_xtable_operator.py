"""Runs the generated XTableOperator once, as a task on an MWAA worker would.

The operator takes its classpath from PIPEGEN_XTABLE_CLASSPATH (what the
generated startup.sh exports) and Java from JAVA_HOME or PATH; nothing is
passed to it but the dataset config.

usage: python run_xtable_operator.py <dags folder> <table path> <table name> [<path> <name> ...]

Prints ``RESULT <json>``: what execute() returned (the synced table and format
pairs); or, when the task fails with the operator's XTableSyncError, ``FAILED
<message>`` and exits 1.
"""

from __future__ import annotations

import json
import sys

sys.path.insert(0, sys.argv[1])

from pipegen_xtable.operator import XTableOperator, XTableSyncError  # noqa: E402

tables = sys.argv[2:]
operator = XTableOperator(
    task_id="sync",
    dataset_config={
        "sourceFormat": "DELTA",
        "targetFormats": ["ICEBERG"],
        "datasets": [
            {"tableBasePath": path, "tableName": name}
            for path, name in zip(tables[::2], tables[1::2], strict=True)
        ],
    },
    max_heap="512m",
)
try:
    print("RESULT " + json.dumps(operator.execute({})))
except XTableSyncError as failed:
    print(f"FAILED {failed}")
    sys.exit(1)
