"""Checks generated DAG sources for the property test.

Reads JSON lines {"source", "expected", "exact"} on stdin. Each source must
parse with ast.parse, and one of its string constants must equal `expected`
(exact) or contain it. Prints one JSON summary line; exits 1 on any failure.
"""

import ast
import json
import sys


def main() -> int:
    checked = 0
    failures = []
    for line in sys.stdin:
        case = json.loads(line)
        checked += 1
        try:
            tree = ast.parse(case["source"])
        except SyntaxError as error:
            failures.append({"expected": case["expected"], "error": f"SyntaxError: {error}"})
            continue
        constants = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        expected = case["expected"]
        if case["exact"]:
            found = expected in constants
        else:
            found = any(expected in c for c in constants)
        if not found:
            failures.append({"expected": expected, "error": "no string constant round-trips"})
    print(json.dumps({"checked": checked, "failures": failures[:5], "failed": len(failures)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
