"""Counting the SQL statements a block of code sends (for constant-cost query tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tortoise import connections

_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many",
            "execute_script")


class QueryLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Every statement sent on the default connection inside the block is logged."""
    conn = connections.get("default")
    log = QueryLog()
    originals: dict[str, Any] = {}
    for name in _METHODS:
        original = getattr(conn, name)
        originals[name] = original

        def wrapper(query: str, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            log.statements.append(str(query))
            return __original(query, *args, **kwargs)

        setattr(conn, name, wrapper)
    try:
        yield log
    finally:
        for name in _METHODS:
            delattr(conn, name) if name in conn.__dict__ else None
