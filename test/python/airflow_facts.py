"""Print, as one JSON document, the facts pipegen's tables hold about the
installed Airflow: its trigger rules and how it templates the operator
classes pipegen emits.

    airflow_facts.py <module.Class> ...
"""

import importlib
import json
import os
import sys
import tempfile
import warnings


def main(classes: list[str]) -> int:
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="airflow-facts-")
    warnings.simplefilter("ignore")
    # The DAGs folder is where MWAA puts pipegen's operator package.
    sys.path.append(os.environ.get("PIPEGEN_DAGS", "."))
    try:
        from airflow.task.trigger_rule import TriggerRule  # 3.1+
    except ImportError:
        from airflow.utils.trigger_rule import TriggerRule

    operators = {}
    for path in classes:
        module, name = path.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
        operators[path] = {
            "template_fields": sorted(cls.template_fields),
            "template_ext": list(cls.template_ext),
        }
    result = {
        "trigger_rules": sorted(rule.value for rule in TriggerRule),
        "operators": operators,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
