"""Print, as one JSON document, the facts pipegen's tables hold about the
installed Airflow: its trigger rules, how it templates the operator classes
pipegen emits, its Jinja environment, and the names of a task's template
context (read from the source of the function that builds it).

    airflow_facts.py <module.Class> ...
"""

import ast
import importlib
import inspect
import json
import os
import sys
import tempfile
import textwrap
import warnings


def jinja_environment() -> dict:
    import pendulum

    try:
        from airflow.sdk import DAG
    except ImportError:
        from airflow import DAG
    dag = DAG("facts", schedule=None, start_date=pendulum.datetime(2024, 1, 1))
    env = dag.get_template_env()
    return {
        "filters": sorted(env.filters),
        "tests": sorted(env.tests),
        "globals": sorted(env.globals),
    }


def context_keys() -> set[str]:
    """The string keys of the dict literals in the function that builds a
    task's template context (2.x: _get_template_context; 3.x: the task
    SDK's RuntimeTaskInstance.get_template_context), less the accessors
    nested under "var"."""
    try:
        from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance

        function = RuntimeTaskInstance.get_template_context
    except ImportError:
        from airflow.models import taskinstance

        function = taskinstance._get_template_context
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys |= {
                k.value
                for k in node.keys
                if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
    return keys - {"json", "value"}


def base_operator():
    try:
        from airflow.sdk import BaseOperator
    except ImportError:
        from airflow.models.baseoperator import BaseOperator
    return BaseOperator


def keyword_parameters(cls) -> tuple[list[str], list[str]]:
    """The keyword arguments a class's __init__ and those of its bases take,
    up to (not including) BaseOperator, and those without a default."""
    stop = base_operator()
    names: set[str] = set()
    required: set[str] = set()
    for klass in cls.__mro__:
        if klass is stop:
            break
        if "__init__" not in klass.__dict__:
            continue
        for p in inspect.signature(klass.__dict__["__init__"]).parameters.values():
            if p.name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            if p.name not in names and p.default is p.empty:
                required.add(p.name)
            names.add(p.name)
    return sorted(names), sorted(required)


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
        parameters, required = keyword_parameters(cls)
        operators[path] = {
            "template_fields": sorted(cls.template_fields),
            "template_ext": list(cls.template_ext),
            "parameters": parameters,
            "required": required,
        }
    base = inspect.signature(base_operator().__init__).parameters.values()
    result = {
        "trigger_rules": sorted(rule.value for rule in TriggerRule),
        "operators": operators,
        "base_operator_parameters": sorted(
            p.name
            for p in base
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        ),
        **jinja_environment(),
        "context": sorted(context_keys()),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
