"""A professional's own open emergency accesses, with the time left: nobody else's, none
that ended, and never a way to open one by a record id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api import clock
from tests.consent.support import OPEN_EMERGENCY, codes, session, traits
from tests.factories import make_patient, make_professional

NOW = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
REASON = "Unconscious after a road accident, no relative reachable"
MINE = "{ myEmergencyAccesses { patientId reason secondsLeft expiresAt } }"


async def test_my_open_accesses_show_the_time_left_and_leave_when_closed(client, settings, db):
    first, second = await make_patient(), await make_patient()
    urgentist = await session(client, settings, await make_professional("emergency_physician"))
    colleague = await session(client, settings, await make_professional("emergency_physician"))
    with clock.frozen_at(NOW):
        await urgentist(OPEN_EMERGENCY, **traits(first), reason=REASON)
    with clock.frozen_at(NOW + timedelta(hours=1)):
        await urgentist(OPEN_EMERGENCY, **traits(second), reason=REASON)
        mine = (await urgentist(MINE))["data"]["myEmergencyAccesses"]
        assert [(a["patientId"], a["secondsLeft"]) for a in mine] == [
            (str(second.id), 4 * 3600), (str(first.id), 3 * 3600)]
        assert (await colleague(MINE))["data"]["myEmergencyAccesses"] == []
    with clock.frozen_at(NOW + timedelta(hours=4)):
        mine = (await urgentist(MINE))["data"]["myEmergencyAccesses"]
        assert [a["patientId"] for a in mine] == [str(second.id)]


async def test_the_mutation_takes_no_record_id(client, settings, db):
    patient = await make_patient()
    urgentist = await session(client, settings, await make_professional("emergency_physician"))
    body = await urgentist("""mutation($id: ID!) { openEmergencyAccess(patientId: $id,
        reason: "Unconscious after a road accident") { emergencyAccess { id } } }""",
                           id=str(patient.id))
    assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "Unknown argument 'patientId'" in body["errors"][0]["message"]
    assert body["data"] is None
