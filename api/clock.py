"""The one source of the current time, so tests can move it, and the one home time zone.

Carnet's people live in France: "today" is the day in Europe/Paris, and a time someone
types is Paris time. Before 1911 Paris kept its local mean time, nine minutes and
twenty-one seconds ahead of Greenwich; ISO 8601 (and so GraphQL's DateTime, HTML's
`datetime` attribute) has no way to write an offset with seconds, so a moment leaves
Carnet's code in UTC (`wire`), never with its local offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HOME_ZONE = ZoneInfo("Europe/Paris")

_frozen: datetime | None = None
# How far this process's clock runs ahead of the real one: zero, except in a development
# server that a browser test moved forward (web/dev.py).
_ahead = timedelta(0)


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC) + _ahead


def move_forward(delta: timedelta) -> datetime:
    """Run this process's clock `delta` ahead from now on, and answer the new time.

    Development only (the caller checks): a browser test that needs the authenticator
    code of a later 30-second step moves the server there instead of waiting for it.
    """
    global _ahead
    if delta < timedelta(0):
        raise ValueError("the clock only moves forward")
    _ahead += delta
    return now()


def today() -> date:
    """The day it is in France."""
    return now().astimezone(HOME_ZONE).date()


def wire(moment: datetime) -> str:
    """An aware moment as ISO 8601 that every reader accepts: in UTC, whatever its zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment sent anywhere carries its time zone")
    return moment.astimezone(UTC).isoformat()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make `now()` answer `moment` inside the block (tests, and the demo's past visits)."""
    global _frozen
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
