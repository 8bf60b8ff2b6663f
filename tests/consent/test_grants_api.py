"""Grants through GraphQL: giving, revoking, and what a professional then reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api import clock
from api.consent.models import Grant
from tests.consent.support import (
    GRANT,
    RECORD,
    REVOKE,
    codes,
    error_at,
    pid,
    session,
    user_error_codes,
)
from tests.factories import make_patient, make_professional

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _grant(client, settings, patient, pro, sections, **more):
    owner = await session(client, settings, patient)
    body = await owner(GRANT, patientId=pid(patient), professionalId=pid(pro),
                       sections=sections, **more)
    return body["data"]["grantAccess"]


async def test_patient_grants_a_nurse_chosen_sections_for_a_year_by_default(
        client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    with clock.frozen_at(NOW):
        payload = await _grant(client, settings, patient, nurse, ["ALLERGIES", "TREATMENTS"],
                               write=True)
    assert payload["userErrors"] == []
    grant = payload["grant"]
    assert grant["status"] == "ACTIVE"
    assert grant["sections"] == ["ALLERGIES", "TREATMENTS"]
    # A nurse never changes treatments, whatever the patient allows.
    assert grant["writableSections"] == ["ALLERGIES"]
    assert grant["expiresAt"].startswith("2027-03-02T09:00:00")
    assert await Grant.filter(patient_id=patient.id).count() == 1


async def test_professional_reads_exactly_the_granted_sections(client, settings, db):
    patient, nurse = await make_patient(birth_name="LEGRAND"), await make_professional("nurse")
    await _grant(client, settings, patient, nurse, ["IDENTITY", "ALLERGIES"])
    body = await (await session(client, settings, nurse))(RECORD, id=pid(patient))
    data = body["data"]["patient"]
    assert data["identity"] == {"birthName": "LEGRAND"}
    assert data["allergies"] == {"totalCount": 0}
    for field in ("history", "treatments", "directives"):
        assert data[field] is None
        error = error_at(body, "patient", field)
        assert error is not None and error["extensions"]["code"] == "CONSENT_REQUIRED"
        assert error["extensions"]["reason"] == "not_granted"


async def test_stranger_professional_does_not_find_the_patient(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    body = await (await session(client, settings, doctor))(
        "query($id: ID!) { patient(id: $id) { id } unreadNotificationCount }", id=pid(patient))
    assert body["data"] == {"patient": None, "unreadNotificationCount": 0}
    assert codes(body) == ["NOT_FOUND"]


async def test_blocked_professional_does_not_find_the_patient_even_with_a_grant(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await _grant(client, settings, patient, doctor, ["IDENTITY"])
    owner = await session(client, settings, patient)
    await owner("""mutation($p: ID!, $d: ID!) { blockProfessional(patientId: $p,
        professionalId: $d) { userErrors { code } } }""", p=pid(patient), d=pid(doctor))
    body = await (await session(client, settings, doctor))(RECORD, id=pid(patient))
    assert codes(body) == ["NOT_FOUND"]


async def test_grant_stops_access_at_its_expiry(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    end = NOW + timedelta(days=30)
    with clock.frozen_at(NOW):
        await _grant(client, settings, patient, doctor, ["IDENTITY"],
                     expiresAt=end.isoformat())
    reader = await session(client, settings, doctor)
    with clock.frozen_at(end - timedelta(seconds=1)):
        before = await reader(RECORD, id=pid(patient))
    with clock.frozen_at(end):
        after = await reader(RECORD, id=pid(patient))
    assert before["data"]["patient"]["identity"] is not None
    assert after["data"]["patient"]["identity"] is None
    assert error_at(after, "patient", "identity")["extensions"]["reason"] == "grant_expired"


async def test_revoked_grant_stops_access_at_once(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    with clock.frozen_at(NOW):
        grant = (await _grant(client, settings, patient, doctor, ["IDENTITY"]))["grant"]
    owner = await session(client, settings, patient)
    with clock.frozen_at(NOW + timedelta(days=3)):
        revoked = (await owner(REVOKE, grantId=grant["id"]))["data"]["revokeGrant"]
    assert revoked["userErrors"] == []
    assert revoked["grant"]["status"] == "REVOKED"
    reader = await session(client, settings, doctor)
    with clock.frozen_at(NOW + timedelta(days=3) - timedelta(seconds=1)):
        before = await reader(RECORD, id=pid(patient))
    with clock.frozen_at(NOW + timedelta(days=3)):
        after = await reader(RECORD, id=pid(patient))
    assert before["data"]["patient"]["identity"] is not None
    assert error_at(after, "patient", "identity")["extensions"]["reason"] == "grant_revoked"


async def test_revoking_an_ended_grant_is_a_user_error(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    grant = (await _grant(client, settings, patient, doctor, ["IDENTITY"]))["grant"]
    owner = await session(client, settings, patient)
    await owner(REVOKE, grantId=grant["id"])
    again = (await owner(REVOKE, grantId=grant["id"]))["data"]["revokeGrant"]
    assert user_error_codes(again) == ["GRANT_ALREADY_ENDED"]


async def test_another_patient_cannot_revoke_a_grant(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    grant = (await _grant(client, settings, patient, doctor, ["IDENTITY"]))["grant"]
    other = await session(client, settings, await make_patient())
    body = await other(REVOKE, grantId=grant["id"])
    assert codes(body) == ["NOT_FOUND"]
    assert (await Grant.get(id=int(grant["id"]))).revoked_at is None


async def test_a_new_grant_replaces_the_current_one(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    first = (await _grant(client, settings, patient, doctor, ["IDENTITY"]))["grant"]
    second = (await _grant(client, settings, patient, doctor, ["HISTORY"]))["grant"]
    owner = await session(client, settings, patient)
    body = await owner("""query($p: ID!) { grants(patientId: $p) { totalCount
        items { id status sections } } }""", p=pid(patient))
    items = body["data"]["grants"]["items"]
    assert [(i["id"], i["status"]) for i in items] == [
        (second["id"], "ACTIVE"), (first["id"], "REVOKED")]


async def test_sections_the_profession_never_reads_are_refused_by_name(client, settings, db):
    patient, dentist = await make_patient(), await make_professional("dentist")
    payload = await _grant(client, settings, patient, dentist, ["ALLERGIES", "DIRECTIVES"])
    assert payload["grant"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("sections", "SECTIONS_NOT_ALLOWED")
    assert "directives anticipées" in error["message"]
    assert "chirurgien-dentiste" in error["message"]
    assert await Grant.all().count() == 0


async def test_user_errors_speak_english_when_asked(client, settings, db):
    patient, dentist = await make_patient(), await make_professional("dentist")
    client.cookies.set("carnet_lang", "en")
    payload = await _grant(client, settings, patient, dentist, ["DIRECTIVES"])
    assert "advance directives" in payload["userErrors"][0]["message"]


async def test_an_empty_choice_of_sections_is_refused(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    payload = await _grant(client, settings, patient, doctor, [])
    assert user_error_codes(payload) == ["NO_SECTIONS"]


async def test_expiry_in_the_past_or_beyond_a_year_is_refused(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    with clock.frozen_at(NOW):
        past = await _grant(client, settings, patient, doctor, ["IDENTITY"],
                            expiresAt=(NOW - timedelta(minutes=1)).isoformat())
        late = await _grant(client, settings, patient, doctor, ["IDENTITY"],
                            expiresAt=(NOW + timedelta(days=366)).isoformat())
        year = await _grant(client, settings, patient, doctor, ["IDENTITY"],
                            expiresAt="2027-03-02T09:00:00Z")
    assert user_error_codes(past) == ["EXPIRY_IN_PAST"]
    assert user_error_codes(late) == ["EXPIRY_TOO_LATE"]
    assert year["userErrors"] == []
    assert await Grant.all().count() == 1


async def test_unknown_or_blocked_professional_cannot_be_granted(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    owner = await session(client, settings, patient)
    unknown = await owner(GRANT, patientId=pid(patient), professionalId="999999",
                          sections=["IDENTITY"])
    assert user_error_codes(unknown["data"]["grantAccess"]) == ["PROFESSIONAL_NOT_FOUND"]
    await owner("""mutation($p: ID!, $d: ID!) { blockProfessional(patientId: $p,
        professionalId: $d) { userErrors { code } } }""", p=pid(patient), d=pid(doctor))
    blocked = await owner(GRANT, patientId=pid(patient), professionalId=pid(doctor),
                          sections=["IDENTITY"])
    assert user_error_codes(blocked["data"]["grantAccess"]) == ["PROFESSIONAL_BLOCKED"]
    assert await Grant.all().count() == 0


async def test_professional_with_a_write_grant_on_identity_cannot_grant_access(
        client, settings, db):
    patient = await make_patient()
    doctor, colleague = await make_professional(), await make_professional()
    await _grant(client, settings, patient, doctor, ["IDENTITY"], write=True)
    pro = await session(client, settings, doctor)
    body = await pro(GRANT, patientId=pid(patient), professionalId=pid(colleague),
                     sections=["IDENTITY"])
    assert codes(body) == ["CONSENT_REQUIRED"]
    assert await Grant.filter(professional_id=colleague.id).count() == 0


async def test_stranger_cannot_grant_access_to_someone_elses_record(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    stranger = await session(client, settings, await make_patient())
    body = await stranger(GRANT, patientId=pid(patient), professionalId=pid(doctor),
                          sections=["IDENTITY"])
    assert codes(body) == ["NOT_FOUND"]


async def test_grants_list_is_only_for_the_patient(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await _grant(client, settings, patient, doctor, ["IDENTITY"])
    pro = await session(client, settings, doctor)
    body = await pro("query($p: ID!) { grants(patientId: $p) { totalCount } }", p=pid(patient))
    assert codes(body) == ["CONSENT_REQUIRED"]


async def test_revoking_another_records_grant_reads_like_a_missing_one(client, settings, db):
    patient, stranger = await make_patient(), await make_patient()
    nurse = await make_professional("nurse")
    owner = await session(client, settings, patient)
    given = await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                        sections=["ALLERGIES"])
    grant_id = given["data"]["grantAccess"]["grant"]["id"]
    other = await session(client, settings, stranger)
    theirs = await other(REVOKE, grantId=grant_id)
    missing = await other(REVOKE, grantId="987654")
    assert codes(theirs) == codes(missing) == ["NOT_FOUND"]
    assert theirs["errors"][0]["message"] == missing["errors"][0]["message"]
    assert theirs["data"] == missing["data"]
