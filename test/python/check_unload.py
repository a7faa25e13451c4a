"""Reads UNLOAD statements the way Redshift's lexer does and reports what they say.

    check_unload.py < ["UNLOAD (...) TO ... IAM_ROLE ...", ...]   ->   [{...}, ...]

Each statement is tokenized with sqlglot's Redshift dialect, whose string
literals un-escape '' and backslash as Redshift does. The statement must be
exactly UNLOAD ( <string> ) TO <string> IAM_ROLE { default | <string> }
followed by options; the query string is then parsed on its own, strictly
(a parse error is a failure, and it must be a SELECT, not a fallback
Command). Output per statement:

    {"query": the query Redshift runs, "to", "iam_role",
     "options": [option tokens as text], "query_literals": [string literals of the query],
     "credentials": true if anything credential-like is in the statement}
or {"error": why the statement is not well-formed}.
"""

from __future__ import annotations

import json
import re
import sys

import sqlglot
from sqlglot import exp
from sqlglot.dialects.redshift import Redshift
from sqlglot.tokens import TokenType

CREDENTIALS = re.compile(
    r"credentials|aws_access_key_id|aws_secret_access_key|access_key_id|secret_access_key|session_token|token=|ASIA[0-9A-Z]{16}|AKIA[0-9A-Z]{16}",
    re.IGNORECASE,
)


def check(statement: str) -> dict:
    head, _, rest = statement.strip().partition(" ")
    if head.upper() != "UNLOAD":
        return {"error": f"does not start with UNLOAD: {statement[:40]!r}"}
    try:
        tokens = Redshift().tokenize(rest)
    except sqlglot.errors.TokenError as error:
        return {"error": f"does not tokenize: {error}"}
    kinds = [t.token_type for t in tokens]
    if kinds[:3] != [TokenType.L_PAREN, TokenType.STRING, TokenType.R_PAREN]:
        return {
            "error": f"the query is not one string literal in parentheses: {kinds[:3]}"
        }
    if [t.text.upper() for t in tokens[3:4]] != ["TO"] or kinds[4] != TokenType.STRING:
        return {"error": "TO is not followed by one string literal"}
    if tokens[5].text.upper() != "IAM_ROLE" or kinds[6] not in (
        TokenType.DEFAULT,
        TokenType.STRING,
    ):
        return {"error": "IAM_ROLE default or IAM_ROLE '<arn>' does not follow TO"}
    query = tokens[1].text
    try:
        tree = sqlglot.parse_one(
            query, read="redshift", error_level=sqlglot.ErrorLevel.RAISE
        )
    except sqlglot.errors.ParseError as error:
        return {"error": f"the query does not parse: {error}"}
    if not isinstance(tree, exp.Query):
        return {"error": f"the query is a {type(tree).__name__}, not a SELECT"}
    return {
        "query": query,
        "to": tokens[4].text,
        "iam_role": "default" if kinds[6] == TokenType.DEFAULT else tokens[6].text,
        "options": [t.text for t in tokens[7:]],
        "query_literals": [
            lit.this for lit in tree.find_all(exp.Literal) if lit.is_string
        ],
        "credentials": bool(CREDENTIALS.search(statement)),
    }


if __name__ == "__main__":
    json.dump([check(s) for s in json.load(sys.stdin)], sys.stdout, indent=2)
    sys.stdout.write("\n")
