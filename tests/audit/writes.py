"""Watching the access history being written with the data, for each domain's write tests.

* ``watch_history``: every append to the history, with the connection it was written on,
  so a test can check an event went into the transaction of the write it records;
* ``fail_after``: a model method that does its work, then fails (the row is inserted and the
  request fails later on): nothing of the write may stay, and no event either;
* ``break_history``: the history cannot be written: the data write must not stay alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient

from api.audit import log
from api.audit.models import AccessEvent
from api.consent.sections import Section
from api.consent.services import grant_access
from api.identity.models import Patient, Professional


@dataclass
class HistoryWrites:
    """Each append to the history: the connection it was given and the events."""

    appends: list[tuple[BaseDBAsyncClient | None, list[Any]]] = field(default_factory=list)

    def events_for(self, patient_id: int) -> list[Any]:
        return [event for _, events in self.appends for event in events
                if event.patient_id == patient_id]

    def in_a_transaction(self, patient_id: int) -> bool:
        """Whether every event of the patient went into an open transaction."""
        connections = [connection for connection, events in self.appends
                       if any(e.patient_id == patient_id for e in events)]
        return bool(connections) and all(
            isinstance(connection, TransactionalDBClient) for connection in connections)


def watch_history(monkeypatch: pytest.MonkeyPatch) -> HistoryWrites:
    watched = HistoryWrites()
    append = log.append_events

    async def watching(pending: Any, connection: BaseDBAsyncClient | None = None) -> Any:
        watched.appends.append((connection, list(pending)))
        return await append(pending, connection)

    monkeypatch.setattr(log, "append_events", watching)
    return watched


def fail_after(monkeypatch: pytest.MonkeyPatch, target: Any, method: str) -> None:
    """`target.method` does its work (say, inserts the row), then raises."""
    original = getattr(target, method)

    async def failing(*args: Any, **kwargs: Any) -> Any:
        await original(*args, **kwargs)
        raise RuntimeError(f"{method} failed after writing")

    monkeypatch.setattr(target, method, failing)


def break_history(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(pending: Any, connection: BaseDBAsyncClient | None = None) -> Any:
        raise OSError("the access history cannot be written")

    monkeypatch.setattr(log, "append_events", broken)


async def history_of(patient_id: int) -> list[AccessEvent]:
    return await AccessEvent.filter(patient_id=patient_id).order_by("sequence")


async def only_event(history: HistoryWrites, patient_id: int) -> AccessEvent:
    """The one event in the patient's history, checked to have been written in an open
    transaction (the write's: nothing else was written in this request)."""
    (event,) = await history_of(patient_id)
    assert len(history.events_for(patient_id)) == 1
    assert history.in_a_transaction(patient_id)
    return event


async def grant_writing(patient: Patient, professional: Professional, *sections: Section
                        ) -> None:
    """The patient lets the professional read and change these sections."""
    _, problems = await grant_access(patient, professional.id, sections, write=True,
                                     expires_at=None, by_account_id=patient.account_id or 0)
    assert not problems


def failed(body: dict[str, Any], mutation: str) -> bool:
    """The mutation answered with an error and no payload."""
    return bool(body.get("errors")) and (body.get("data") or {}).get(mutation) is None
