"""List the files the installed Airflow's DAG discovery keeps in a folder.

    list_dag_files.py <dags_folder> <regexp|glob>

Prints one JSON list of paths relative to the folder, after `.airflowignore`
is applied with the given pattern syntax ([core] dag_ignore_file_syntax),
using the function Airflow's own DAG file listing calls.
"""

import json
import os
import sys
import tempfile
from pathlib import Path


def main(folder: str, syntax: str) -> int:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="list-dag-files-")
    try:  # 3.x
        from airflow._shared.module_loading.file_discovery import (
            find_path_from_directory,
        )
    except ImportError:  # 2.x
        from airflow.utils.file import find_path_from_directory

    base = Path(folder).resolve()
    found = find_path_from_directory(str(base), ".airflowignore", syntax)
    print(json.dumps(sorted(str(Path(f).relative_to(base)) for f in found)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
