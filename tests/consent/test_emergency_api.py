"""Break-glass through GraphQL: who may open it, for how long, what it allows, who is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import (
    EmergencyAccess,
    Notification,
    NotificationKind,
)
from api.identity.ins import nir_key
from api.identity.models import Role
from tests.consent.support import (
    BLOCK,
    DESIGNATE,
    GRANT,
    OPEN_EMERGENCY,
    OPPOSE,
    RECORD,
    codes,
    error_at,
    pid,
    session,
    traits,
)
from tests.consent.throttling import lookup_misses
from tests.factories import make_account, make_patient, make_professional

NOW = datetime(2026, 1, 10, 22, 30, tzinfo=UTC)
REASON = "Unconscious after a road accident, no relative reachable"
HISTORY = """query($p: ID!) { accessHistory(patientId: $p) {
  items { requestKind basis detail viewerName } } }"""
ADD_ALLERGY = """mutation($p: ID!) { addAllergy(input: {patientId: $p, substance: "Latex"}) {
  allergy { id } userErrors { code } } }"""


async def _open(client, settings, pro, patient, reason=REASON, **named):
    body = await (await session(client, settings, pro))(
        OPEN_EMERGENCY, **{**traits(patient), **named}, reason=reason)
    return body


def _refusal(body):
    """The whole answer to a refused opening, as the caller sees it."""
    return body["data"], [(e["message"], e["extensions"]) for e in body["errors"]]


async def test_emergency_physician_opens_four_hours_of_reading(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    with clock.frozen_at(NOW):
        body = await _open(client, settings, urgentist, patient)
    payload = body["data"]["openEmergencyAccess"]
    assert payload["userErrors"] == []
    access = payload["emergencyAccess"]
    assert access["open"] is True and access["reason"] == REASON
    assert access["expiresAt"].startswith("2026-01-11T02:30:00")
    # The record answers at once, in the same request.
    assert payload["patient"]["allergies"] == {"totalCount": 0}
    reader = await session(client, settings, urgentist)
    with clock.frozen_at(NOW + timedelta(hours=4) - timedelta(seconds=1)):
        during = await reader(RECORD, id=pid(patient))
    with clock.frozen_at(NOW + timedelta(hours=4)):
        after = await reader(RECORD, id=pid(patient))
    assert "errors" not in during
    assert after["data"]["patient"]["identity"] is None
    assert error_at(after, "patient", "identity")["extensions"]["reason"] == "emergency_expired"


async def test_samu_regulator_may_break_the_glass_too(client, settings, db):
    patient, regulator = await make_patient(), await make_professional("samu_regulator")
    body = await _open(client, settings, regulator, patient)
    assert body["data"]["openEmergencyAccess"]["userErrors"] == []


async def test_emergency_access_is_read_only(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    await _open(client, settings, urgentist, patient)
    reader = await session(client, settings, urgentist)
    refused = await reader(ADD_ALLERGY, p=pid(patient))
    assert codes(refused) == ["CONSENT_REQUIRED"]
    assert refused["errors"][0]["extensions"]["reason"] == "read_only"
    grant = await reader(GRANT, patientId=pid(patient), professionalId=pid(urgentist),
                         sections=["IDENTITY"])
    assert codes(grant) == ["CONSENT_REQUIRED"]


async def test_every_refusal_is_one_and_the_same_answer(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    opposed, blocker = await make_patient(), await make_patient()
    await (await session(client, settings, opposed))(
        OPPOSE, patientId=pid(opposed), opposed=True)
    await (await session(client, settings, blocker))(
        BLOCK, patientId=pid(blocker), professionalId=pid(urgentist))
    unknown_nir = "2800175999999"
    physician, nurse = await make_professional("physician"), await make_professional("nurse")
    someone = await make_account(Role.PATIENT)
    answers = [
        await _open(client, settings, physician, patient),
        await _open(client, settings, nurse, patient),
        await _open(client, settings, someone, patient),
        await _open(client, settings, urgentist, patient, birthDate="1980-01-02"),
        await _open(client, settings, urgentist, patient,
                    ins=unknown_nir + nir_key(unknown_nir)),
        await _open(client, settings, urgentist, opposed),
        await _open(client, settings, urgentist, blocker),
    ]
    assert all(codes(body) == ["NOT_FOUND"] for body in answers)
    assert len({repr(_refusal(body)) for body in answers}) == 1
    assert await EmergencyAccess.all().count() == 0
    assert await Notification.all().count() == 0
    # Each refusal counts as a missed lookup, whoever asked.
    accounts = [(await physician.account).id, (await nurse.account).id, someone.id,
                (await urgentist.account).id]
    assert [await lookup_misses(settings, a) for a in accounts] == [1, 1, 1, 4]


async def test_a_short_reason_is_refused(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    body = await _open(client, settings, urgentist, patient, reason="  coma      ")
    payload = body["data"]["openEmergencyAccess"]
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("reason", "REASON_TOO_SHORT")
    assert "15" in error["message"]
    assert await EmergencyAccess.all().count() == 0


async def test_a_record_id_no_longer_opens_anything(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    guessed = """mutation($p: ID!) { openEmergencyAccess(patientId: $p,
      reason: "Unconscious after a road accident") { userErrors { code } } }"""
    body = await (await session(client, settings, urgentist))(guessed, p=pid(patient))
    assert body.get("data") is None
    assert "patientId" in body["errors"][0]["message"]
    assert await EmergencyAccess.all().count() == 0


async def test_the_opposed_attempt_is_in_the_patients_history(client, settings, db):
    patient = await make_patient()
    urgentist = await make_professional("emergency_physician", last_name="HADDAD")
    owner = await session(client, settings, patient)
    await owner(OPPOSE, patientId=pid(patient), opposed=True)
    await _open(client, settings, urgentist, patient)
    body = await owner(HISTORY, p=pid(patient))
    [event] = body["data"]["accessHistory"]["items"]
    # Without the reason: nothing was opened, so no row keeps it sealed.
    assert (event["requestKind"], event["basis"], event["detail"]) == (
        "EMERGENCY_REFUSED", "EMERGENCY", None)
    assert REASON not in await AccessEvent.all().values_list("detail", flat=True)
    assert event["viewerName"] == "Test HADDAD"
    assert await EmergencyAccess.all().count() == 0


async def test_patient_and_treating_doctor_are_notified(client, settings, db):
    patient = await make_patient(first_names="Nina", birth_name="CARON")
    doctor = await make_professional()
    urgentist = await make_professional("emergency_physician", last_name="HADDAD")
    owner = await session(client, settings, patient)
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    await _open(client, settings, urgentist, patient)
    notes = await Notification.all().order_by("recipient_id")
    assert {n.recipient_id for n in notes} == {patient.account_id, doctor.account_id}
    assert all(n.kind is NotificationKind.EMERGENCY_ACCESS for n in notes)
    seen = await owner("{ notifications { totalCount items { kind message patientId } } }")
    [item] = seen["data"]["notifications"]["items"]
    assert item["kind"] == "EMERGENCY_ACCESS"
    assert item["patientId"] == pid(patient)
    assert "HADDAD" in item["message"] and REASON in item["message"]
    assert "médecin urgentiste" in item["message"]


async def test_the_patient_sees_past_emergency_accesses(client, settings, db):
    patient, urgentist = await make_patient(), await make_professional("emergency_physician")
    with clock.frozen_at(NOW):
        await _open(client, settings, urgentist, patient)
    owner = await session(client, settings, patient)
    with clock.frozen_at(NOW + timedelta(days=1)):
        body = await owner("""query($p: ID!) { emergencyAccesses(patientId: $p) {
            items { open reason professional { id } } } }""", p=pid(patient))
    assert body["data"]["emergencyAccesses"]["items"] == [
        {"open": False, "reason": REASON, "professional": {"id": pid(urgentist)}}]
