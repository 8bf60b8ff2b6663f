"""Helpers for the access history tests: seeding events, tampering, relations."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from tortoise import connections

from api.audit.log import record_event
from api.audit.models import AccessEvent, RequestKind
from api.consent.sections import Action, Basis, Section
from api.consent.services import designate_treating_doctor, grant_access
from api.identity.models import Patient, Professional
from api.settings import PROJECT_ROOT, Settings


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


_APPEND_ONLY = (
    "ALTER TABLE access_event {switch} TRIGGER access_event_append_only;"
    "ALTER TABLE access_register {switch} TRIGGER access_register_append_only;"
    "ALTER TABLE access_anchor_chain {switch} TRIGGER access_anchor_chain_append_only;"
)


def carnet(settings: Settings, *args: str, **environment: str
           ) -> subprocess.CompletedProcess[str]:
    """Run the `carnet` command as an operator would, on the test database (``environment``
    adds to or overrides its environment, e.g. ``SECRET_KEY=...``)."""
    env = {**os.environ, "DATABASE_URL": settings.database_url, "SECRET_KEY": settings.secret_key,
           "CARNET_VAR_DIR": str(settings.var_dir), "CARNET_ENV": "development", **environment}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, cwd=Path(PROJECT_ROOT),
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture
def tampering(settings: Settings) -> Callable[[], Any]:
    """A block in which rows can be altered, as someone with direct database access would.

    On PostgreSQL that someone first disables the append-only triggers (of the events, the
    register of chains and the anchored lengths).
    """

    @asynccontextmanager
    async def block() -> AsyncIterator[None]:
        conn = connections.get("default")
        if not settings.is_sqlite:
            await conn.execute_script(_APPEND_ONLY.format(switch="DISABLE"))
        try:
            yield
        finally:
            if not settings.is_sqlite:
                await conn.execute_script(_APPEND_ONLY.format(switch="ENABLE"))

    return block


async def make_treating_doctor(patient: Patient, doctor: Professional) -> None:
    """The patient designates this physician as their treating doctor."""
    _, problems = await designate_treating_doctor(patient, doctor.id)
    assert not problems


async def grant(patient: Patient, professional: Professional, *sections: Section) -> None:
    _, problems = await grant_access(patient, professional.id, sections, write=False,
                                     expires_at=None, by_account_id=patient.account_id or 0)
    assert not problems
