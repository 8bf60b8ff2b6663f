"""Counting the SQL statements a block of code sends (for constant-cost query tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tortoise import connections

_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many",
            "execute_script")
_WATCHED = "_carnet_query_log"


class QueryLog:
    def __init__(self) -> None:
        self.statements: list[str] = []
        # Each statement with the values it was sent with (None for a script).
        self.calls: list[tuple[str, Any]] = []

    @property
    def count(self) -> int:
        return len(self.statements)


def _watch(client: Any, log: QueryLog, watched: list[Any]) -> None:
    """Log every statement `client` sends, and those of the transactions it opens."""
    for name in _METHODS:
        original = getattr(client, name)

        def wrapper(query: str, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            log.statements.append(str(query))
            log.calls.append((str(query), args[0] if args else kwargs.get("values")))
            return __original(query, *args, **kwargs)

        setattr(client, name, wrapper)
    original_in_transaction = client._in_transaction

    def in_transaction() -> Any:
        context = original_in_transaction()
        # The transaction's own client: `client` on most backends, `connection` on SQLite.
        inner = getattr(context, "client", None) or getattr(context, "connection", None)
        if inner is not None and _WATCHED not in inner.__dict__:
            _watch(inner, log, watched)
        return context

    client._in_transaction = in_transaction
    setattr(client, _WATCHED, log)
    watched.append(client)


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Every statement sent on the default connection inside the block is logged.

    Statements sent inside a transaction (on the transaction's own client, e.g. the access
    history written with a mutation) are logged too.
    """
    log = QueryLog()
    watched: list[Any] = []
    _watch(connections.get("default"), log, watched)
    try:
        yield log
    finally:
        for client in watched:
            for name in (*_METHODS, "_in_transaction", _WATCHED):
                client.__dict__.pop(name, None)
