"""Reading and writing what the database holds, as it holds it (past the models' hooks)."""

from __future__ import annotations

from typing import Any

from tortoise import connections


def _mark(position: int) -> str:
    return f"${position}" if connections.get("default").capabilities.dialect == "postgres" \
        else "?"


async def stored(table: str, column: str, row_id: int) -> Any:
    """What the database holds, as it holds it."""
    rows = await connections.get("default").execute_query_dict(
        f'SELECT "{column}" FROM "{table}" WHERE "id" = {_mark(1)}', [row_id])
    return rows[0][column]


async def store(table: str, column: str, row_id: int, value: Any) -> None:
    await connections.get("default").execute_query(
        f'UPDATE "{table}" SET "{column}" = {_mark(1)} WHERE "id" = {_mark(2)}',
        [value, row_id])


def tampered(sealed: str) -> str:
    """`sealed` with one character changed in its middle."""
    middle = len(sealed) // 2
    return sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1:]
