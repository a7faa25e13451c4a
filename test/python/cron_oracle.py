"""For each cron expression on stdin (one a line), print whether the
installed Airflow's cron timetable finds a next run: "fires", or the
exception it raises. Uses CronDataIntervalTimetable, as pipegen's DAGs do."""

import os
import sys
import tempfile
import warnings

os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="cron-oracle-")
warnings.simplefilter("ignore")

import pendulum  # noqa: E402
from airflow.timetables.base import TimeRestriction  # noqa: E402
from airflow.timetables.interval import CronDataIntervalTimetable  # noqa: E402

start = pendulum.datetime(2024, 3, 5, tz="UTC")
for line in sys.stdin:
    expr = line.rstrip("\n")
    try:
        info = CronDataIntervalTimetable(expr, timezone="UTC").next_dagrun_info(
            last_automated_data_interval=None,
            restriction=TimeRestriction(earliest=start, latest=None, catchup=True),
        )
        print("fires" if info is not None else "none")
    except Exception as exc:  # the verdict is the exception's class
        print(type(exc).__name__)
