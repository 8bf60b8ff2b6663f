"""The reference tables of docs/api.md: every query and mutation is listed, every example
validates against the schema, every error code the API gives is explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from api.root.schema import schema

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def _table(heading: str) -> list[list[str]]:
    section = GUIDE.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def _examples(kind: str) -> list[tuple[list[str], str]]:
    rows = [row for row in _table("## Every query and mutation")
            if (row[2].startswith("`{") if kind == "query" else not row[2].startswith("`{"))]
    return [(re.findall(r"`(\w+)`", row[0]), row[2].strip("`")) for row in rows]


def test_every_query_and_mutation_is_in_the_tables() -> None:
    listed = {name for kind in ("query", "mutation") for names, _ in _examples(kind)
              for name in names}
    fields = set(schema._schema.query_type.fields) | set(schema._schema.mutation_type.fields)
    assert fields - listed == set() and listed - fields == set()


@pytest.mark.parametrize(("names", "example"), _examples("query") + _examples("mutation"))
def test_every_example_validates_against_the_schema(names: list[str], example: str) -> None:
    text = example if example.startswith(("{", "mutation")) else "mutation { " + example + " }"
    errors = validate(schema._schema, parse(text.replace("…", "h")))
    assert errors == [], [error.message for error in errors]
    assert names[0] in example


def test_every_error_code_the_api_gives_is_explained() -> None:
    explained = {row[0].strip("`") for row in _table("## Every error code")}
    sources = "\n".join(path.read_text(encoding="utf-8") for path in
                        [*ROOT.glob("api/**/*.py"), *ROOT.glob("web/*.py")]
                        if "migrations" not in path.parts)
    given = set(re.findall(r'code ?= ?"([A-Z_]+)"|"code": "([A-Z_]+)"', sources))
    codes = {code for pair in given for code in pair if code}
    codes |= {"GRAPHQL_VALIDATION_FAILED", "TOO_MANY_TOKENS", "QUERY_TOO_COSTLY",
              "TOO_MANY_OPERATIONS", "RATE_LIMITED", "PERSISTED_QUERY_NOT_FOUND",
              "PERSISTED_QUERY_HASH_MISMATCH", "PERSISTED_QUERY_INVALID",
              "PERSISTED_QUERY_NOT_ALLOWED", "BAD_USER_INPUT", "QUERY_TOO_LARGE",
              "URL_TOO_LONG", "JSON_TOO_DEEP"}
    assert codes - explained == set()
