"""Lints IAM policy documents with Parliament (duo-labs/parliament) and prints the findings as JSON.

    parliament_lint.py FILE...   ->   {"FILE": [{"issue", "title", "severity", "detail", "location"}, ...], ...}

Every auditor Parliament runs by default, at every severity (LOW and up). The
community auditors are left out on purpose: they flag actions by what they
could be used for (iam:PassRole, secretsmanager:GetSecretValue), which is a
review question, not a defect of the document. Resource policies (bucket
policies) are linted as such: Parliament looks at their Principal too.
"""

from __future__ import annotations

import json
import sys
import warnings

warnings.filterwarnings(
    "ignore"
)  # parliament imports pkg_resources and has invalid escapes under 3.12

import parliament


def lint(path: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    policy = parliament.analyze_policy_string(text, filepath=path)
    findings = [parliament.enhance_finding(f) for f in policy.findings]
    return [
        {
            "issue": finding.issue,
            "title": finding.title,
            "severity": finding.severity,
            "detail": finding.detail,
            "location": finding.location,
        }
        for finding in findings
    ]


def main(paths: list[str]) -> int:
    json.dump(
        {path: lint(path) for path in paths},
        sys.stdout,
        indent=2,
        default=str,
        sort_keys=True,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
