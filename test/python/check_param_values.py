#!/usr/bin/env python3
"""Airflow's verdict on run parameter values: for each case, whether
`Param(value, **schema).resolve()` accepts the value (Airflow validates with
jsonschema and its FormatChecker, as on every run and, for scheduled DAGs,
at import).

stdin: [{"schema": {...}, "value": ...}, ...]
stdout: [true | false, ...]
"""

import json
import sys


def main() -> int:
    try:
        from airflow.sdk import Param
    except ImportError:  # Airflow 2
        from airflow.models.param import Param
    cases = json.load(sys.stdin)
    verdicts = []
    for case in cases:
        try:
            Param(case["value"], **case["schema"]).resolve()
            verdicts.append(True)
        except Exception:
            verdicts.append(False)
    json.dump(verdicts, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
