"""Helpers for the access history tests: seeding events, tampering, relations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from tortoise import connections

from api.audit.log import record_event
from api.audit.models import AccessEvent, RequestKind
from api.consent.grants import designate_treating_doctor, grant_access
from api.consent.sections import Action, Basis, Section
from api.identity.models import Patient, Professional
from api.settings import Settings


async def seed(patient_id: int, account_id: int, count: int = 1, *,
               basis: Basis = Basis.GRANT,
               sections: tuple[Section, ...] = (Section.ALLERGIES,)) -> list[AccessEvent]:
    events = []
    for _ in range(count):
        event = await record_event(patient_id=patient_id, viewer_account_id=account_id,
                                   basis=basis, sections=sections, actions=(Action.READ,),
                                   request_kind=RequestKind.GRAPHQL)
        assert event is not None
        events.append(event)
    return events


async def chain_of(patient_id: int) -> list[AccessEvent]:
    return await AccessEvent.filter(patient_id=patient_id).order_by("sequence")


@pytest.fixture
def tampering(settings: Settings) -> Callable[[], Any]:
    """A block in which rows can be altered, as someone with direct database access would.

    On PostgreSQL that someone first disables the append-only trigger.
    """

    @asynccontextmanager
    async def block() -> AsyncIterator[None]:
        conn = connections.get("default")
        if not settings.is_sqlite:
            await conn.execute_script(
                "ALTER TABLE access_event DISABLE TRIGGER access_event_append_only")
        try:
            yield
        finally:
            if not settings.is_sqlite:
                await conn.execute_script(
                    "ALTER TABLE access_event ENABLE TRIGGER access_event_append_only")

    return block


async def make_treating_doctor(patient: Patient, doctor: Professional) -> None:
    """The patient designates this physician as their treating doctor."""
    _, problems = await designate_treating_doctor(patient, doctor.id)
    assert not problems


async def grant(patient: Patient, professional: Professional, *sections: Section) -> None:
    _, problems = await grant_access(patient, professional.id, sections, write=False,
                                     expires_at=None, by_account_id=patient.account_id or 0)
    assert not problems
