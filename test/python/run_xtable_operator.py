"""Runs the generated XTableOperator once, as a task on an MWAA worker would.

The operator takes its classpath from PIPEGEN_XTABLE_CLASSPATH (what the
generated startup.sh exports) and Java from JAVA_HOME or PATH; nothing is
passed to it but the dataset config.

usage: python run_xtable_operator.py <dags folder> <table path> <table name>

Prints ``RESULT <json>``: what execute() returned (the synced table and format pairs).
"""

from __future__ import annotations

import json
import sys

sys.path.insert(0, sys.argv[1])

from pipegen_xtable.operator import XTableOperator  # noqa: E402

operator = XTableOperator(
    task_id="sync",
    dataset_config={
        "sourceFormat": "DELTA",
        "targetFormats": ["ICEBERG"],
        "datasets": [{"tableBasePath": sys.argv[2], "tableName": sys.argv[3]}],
    },
    max_heap="512m",
)
print("RESULT " + json.dumps(operator.execute({})))
