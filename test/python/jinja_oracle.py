"""What Jinja itself says about templates, for test/jinja.test.ts.

Reads JSON lines {"source"} on stdin and prints one JSON line per template:
  syntax: null, or the TemplateSyntaxError message of parsing it in Airflow's
          environment (sandboxed, StrictUndefined, the `do` extension);
  filters, tests: the filter and test names its AST uses;
  undeclared: jinja2.meta.find_undeclared_variables, less the globals;
  missing: the names rendering it reports undefined, one after another, with
          every other name bound to a value that allows any operation.
"""

import json
import sys

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment

AIRFLOW_FILTERS = ["ds", "ds_nodash", "ts", "ts_nodash", "ts_nodash_with_tz"]


class Anything:
    """A value that supports whatever a template does with it."""

    def __getattr__(self, name):
        # Names Jinja and its sandbox probe for: absent, as on ordinary values.
        if name.startswith("_") or name.startswith("jinja_") or name in {
            "unsafe_callable",
            "alters_data",
        }:
            raise AttributeError(name)
        return Anything()

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __iter__(self):
        return iter([Anything()])

    def __len__(self):
        return 1

    def __bool__(self):
        return True

    def __str__(self):
        return "a"

    def __contains__(self, item):
        return True

    def _op(self, *args):
        return Anything()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _op
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _op
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = _op

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__

    def __hash__(self):
        return 1


def environment():
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.do"]
    )
    for name in AIRFLOW_FILTERS:
        env.filters[name] = lambda value: value
    return env


def missing_names(env, source):
    missing = []
    context = {}
    for _ in range(50):
        try:
            env.from_string(source).render(context)
            return missing
        except jinja2.UndefinedError as error:
            text = str(error)
            if not text.startswith("'") or "' is undefined" not in text:
                return missing
            name = text[1 : text.index("' is undefined")]
            if name in context:
                return missing
            missing.append(name)
            context[name] = Anything()
        except Exception:
            return missing
    return missing


def describe(env, source):
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as error:
        return {"syntax": error.message}
    filters = sorted({n.name for n in ast.find_all(nodes.Filter)} | {
        n.filter.name for n in ast.find_all(nodes.FilterBlock)
    })
    tests = sorted({n.name for n in ast.find_all(nodes.Test)})
    try:
        undeclared = sorted(meta.find_undeclared_variables(ast) - set(env.globals))
    except jinja2.TemplateError as error:
        undeclared = {"error": str(error)}
    return {
        "syntax": None,
        "filters": filters,
        "tests": tests,
        "undeclared": undeclared,
        "missing": sorted(missing_names(env, source)),
    }


def main():
    env = environment()
    for line in sys.stdin:
        print(json.dumps(describe(env, json.loads(line)["source"])))


if __name__ == "__main__":
    main()
