"""Checks generated DAG sources for the property test.

Reads JSON lines {"field", "source", "baseline", "expected", "exact",
"mask_names"} on stdin. Each source must parse with ast.parse and
- have the baseline's AST once every constant (and, with mask_names, every
  variable name) is masked, and as many comments: the string under test
  changed nothing but the literals (or the names) it feeds;
- unless `expected` is null, hold a string constant equal to `expected`
  (exact) or containing it.
Prints one JSON summary line; exits 1 on any failure.
"""

import ast
import io
import json
import sys
import tokenize


class _MaskConstants(ast.NodeTransformer):
    def __init__(self, names: bool) -> None:
        self.names = names

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant(value=type(node.value).__name__)

    def visit_Name(self, node: ast.Name) -> ast.Name:
        # A step id is a variable name: with mask_names, any name is the same.
        return ast.Name(id="_", ctx=node.ctx) if self.names else node


def _shape(tree: ast.AST, names: bool = False) -> str:
    return ast.dump(_MaskConstants(names).visit(tree))


def _comments(source: str) -> int:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return sum(1 for t in tokens if t.type == tokenize.COMMENT)


def check(case: dict) -> str | None:
    try:
        tree = ast.parse(case["source"])
        names = case.get("mask_names", False)
        if _shape(ast.parse(case["source"]), names) != _shape(
            ast.parse(case["baseline"]), names
        ):
            return "the AST differs from the base spec's beyond its constants"
        if _comments(case["source"]) != _comments(case["baseline"]):
            return "the number of comments differs from the base spec's"
    except (SyntaxError, ValueError, tokenize.TokenError) as error:
        return f"{type(error).__name__}: {error}"
    expected = case["expected"]
    if expected is None:
        return None
    constants = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    if case["exact"]:
        found = expected in constants
    else:
        found = any(expected in c for c in constants)
    return None if found else "no string constant round-trips"


def main() -> int:
    checked = 0
    failures = []
    for line in sys.stdin:
        case = json.loads(line)
        checked += 1
        error = check(case)
        if error:
            failures.append(
                {"field": case["field"], "expected": case["expected"], "error": error}
            )
    print(
        json.dumps(
            {"checked": checked, "failures": failures[:5], "failed": len(failures)}
        )
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
