"""A parent manages a child's record until the child's 18th birthday, not a moment longer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api import clock
from api.identity.models import Role
from tests.consent.support import GRANT, RECORD, codes, error_at, pid, session
from tests.factories import make_account, make_patient, make_professional

BIRTHDAY = datetime(2026, 6, 15, tzinfo=UTC)


async def test_a_parents_access_ends_on_the_childs_18th_birthday(client, settings, db):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, birth_date=date(2008, 6, 15), guardian=parent,
                               birth_name="PETITJEAN")
    reader = await session(client, settings, parent)
    with clock.frozen_at(BIRTHDAY - timedelta(seconds=1)):
        before = await reader(RECORD, id=pid(child))
    with clock.frozen_at(BIRTHDAY):
        after = await reader(RECORD, id=pid(child))
    assert "errors" not in before
    assert before["data"]["patient"]["identity"] == {"birthName": "PETITJEAN"}
    assert after["data"]["patient"]["identity"] is None
    error = error_at(after, "patient", "identity")
    assert error is not None and error["extensions"]["code"] == "CONSENT_REQUIRED"
    assert error["extensions"]["reason"] == "representative_ended"


async def test_a_parent_shares_the_childs_record_until_the_18th_birthday(client, settings, db):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, birth_date=date(2008, 6, 15), guardian=parent)
    doctor = await make_professional()
    reader = await session(client, settings, parent)
    with clock.frozen_at(BIRTHDAY - timedelta(days=1)):
        shared = await reader(GRANT, patientId=pid(child), professionalId=pid(doctor),
                              sections=["ALLERGIES"], expiresAt="2026-06-30T00:00:00Z")
    with clock.frozen_at(BIRTHDAY):
        refused = await reader(GRANT, patientId=pid(child), professionalId=pid(doctor),
                               sections=["ALLERGIES"])
    assert shared["data"]["grantAccess"]["userErrors"] == []
    assert codes(refused) == ["CONSENT_REQUIRED"]
    assert refused["errors"][0]["extensions"]["reason"] == "representative_ended"
