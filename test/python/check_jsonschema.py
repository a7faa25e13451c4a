#!/usr/bin/env python3
"""Validate documents against a JSON Schema with the `jsonschema` package
(Draft 2020-12), patterns matched as ECMA-262 regular expressions are, with
Unicode classes such as \\p{L} (the `regex` module; Python's `re` lacks them).

stdin: {"schema": {...}, "documents": {name: document}}
stdout: {name: [error messages]}   (an empty list: the document is valid)
"""

import json
import sys

import regex
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def main() -> int:
    request = json.load(sys.stdin)
    formats = FormatChecker()
    formats.checks("regex", raises=regex.error)(regex.compile)
    Draft202012Validator.check_schema(request["schema"], format_checker=formats)
    validator = validators.extend(Draft202012Validator, {"pattern": _pattern})(request["schema"])
    out = {
        name: sorted(e.message for e in validator.iter_errors(document))
        for name, document in request["documents"].items()
    }
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
