"""Date and DateTime as Carnet accepts them: a bad value is a coded error naming itself.

The parsers are the standard library's (the ones Strawberry's own scalars use); what this
adds is the checks around them, so that no value a client sends can crash them or reach
the database out of range (year 0, 2024-02-30, a +25:00 offset, a number for a date).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from graphql import GraphQLError, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

from api.graphql.errors import BAD_USER_INPUT

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII)
_SHOWN = 40


def _refuse(what: str, value: object, hint: str) -> GraphQLError:
    shown = repr(value)
    shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"
    return GraphQLError(f"{what} cannot be {shown}: {hint}", extensions={"code": BAD_USER_INPUT})


def parse_date(value: object) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _refuse("A Date", value, "give a date as YYYY-MM-DD.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _refuse("A Date", value, "this day does not exist.") from None
    return day


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise _refuse("A DateTime", value,
                      "give a date and time as YYYY-MM-DDTHH:MM:SS with a time zone (+01:00).")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _refuse("A DateTime", value, "this moment or time zone does not exist.") from None
    if moment.tzinfo is not None:
        try:  # comparing it with other moments must not overflow
            moment.astimezone(UTC)
        except OverflowError:
            raise _refuse("A DateTime", value, "this moment is out of range.") from None
    return moment


def _literal(parse: Callable[[object], Any]) -> Callable[..., Any]:
    def parse_literal(node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, StringValueNode):
            return parse(node.value)
        return parse(getattr(node, "value", node))
    return parse_literal


def _definition(name: str, description: str, parse: Callable[[object], Any],
                serialize: Callable[[Any], Any], origin: type) -> ScalarDefinition:
    return ScalarDefinition(
        name=name, description=description, specified_by_url=None, serialize=serialize,
        parse_value=parse, parse_literal=_literal(parse), origin=origin,
    )


def _isoformat(value: date) -> str:
    return value.isoformat()


def _moment_isoformat(value: datetime) -> str:
    """A moment as its reader can parse it back: an offset with seconds (Paris before
    1911 was +00:09:21) has no ISO 8601 form, so such a moment is written in UTC."""
    offset = value.utcoffset()
    if offset is not None and offset.seconds % 60:
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    date: _definition("Date", "Date (isoformat)", parse_date, _isoformat, date),
    datetime: _definition("DateTime", "Date with time (isoformat)", parse_datetime,
                          _moment_isoformat, datetime),
}
