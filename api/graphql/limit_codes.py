"""Codes for the refusals of the query limits that graphql-core and strawberry word alone.

The depth, alias and token limiters report a message without `extensions.code`; the
API gives each a code so that clients need not read English to tell them apart.
"""

from __future__ import annotations

import re

from graphql import GraphQLError

_LIMIT_MESSAGES = (
    (re.compile(r"exceeds maximum operation depth of \d+"), "QUERY_TOO_DEEP"),
    (re.compile(r"^\d+ aliases found\. Allowed: \d+"), "TOO_MANY_ALIASES"),
    (re.compile(r"Document contains more than \d+ tokens"), "TOO_MANY_TOKENS"),
)


def limit_code(error: GraphQLError) -> str | None:
    if error.original_error is not None:
        return None
    for pattern, code in _LIMIT_MESSAGES:
        if pattern.search(error.message):
            return code
    return None


def add_limit_codes(errors: list[GraphQLError]) -> None:
    for error in errors:
        code = limit_code(error)
        if code is not None and not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}
