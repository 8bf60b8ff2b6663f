"""The workspace's emergency access page: emergency professions only, by INS and birth date,
one refusal for every cause, the 4-hour window with the time left, everyone told."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import EmergencyAccess, Notification, NotificationKind, TreatingDoctor
from api.identity.ins import nir_key
from api.identity.models import Account, Patient, Professional
from api.settings import Settings
from tests.consent.support import OPPOSE, pid, session
from tests.factories import make_patient, make_professional, sign_in

NOW = datetime(2026, 3, 2, 22, 15, tzinfo=UTC)
REASON = "Inconscient après un accident de la route, aucun proche joignable"
HISTORY = """query($p: ID!) {
  accessHistory(patientId: $p) { items { requestKind basis detail } } }"""


@pytest.fixture(autouse=True)
def _at_night() -> object:
    with clock.frozen_at(NOW):
        yield


async def _signed(client: httpx.AsyncClient, settings: Settings, profession: str,
                  last_name: str = "HADDAD") -> tuple[Professional, str]:
    professional = await make_professional(profession, last_name=last_name)
    csrf = await sign_in(client, await Account.get(id=professional.account_id),
                         settings.secret_key)
    return professional, csrf


def _form(patient: Patient | None, csrf: str, **changes: str) -> dict[str, str]:
    values = {"csrf_token": csrf, "reason": REASON,
              "ins": patient.ins_nir + patient.ins_key if patient else "",
              "birth_date": patient.birth_date.strftime("%d/%m/%Y") if patient else ""}
    return {**values, **changes}


def _without_typed_values(page: str) -> str:
    """The page a refusal shows, less what the person typed and the per-request token."""
    page = re.sub(r'value="[^"]*"', 'value=""', page)
    page = re.sub(r'"X-CSRF-Token": "[^"]*"', '"X-CSRF-Token": ""', page)
    return re.sub(r"(<textarea[^>]*>)[^<]*(</textarea>)", r"\1\2", page)


async def test_an_emergency_physician_opens_access_and_sees_the_time_left(
        client, settings, db):
    patient = await make_patient()
    _, csrf = await _signed(client, settings, "emergency_physician")
    page = await client.get("/pro/emergency")
    assert page.status_code == 200 and 'href="/pro/emergency" aria-current="page"' in page.text
    assert "seront prévenus" in page.text  # the patient and treating doctor will be told
    opened = await client.post("/pro/emergency", data=_form(patient, csrf))
    assert opened.status_code == 303
    confirmation = await client.get(opened.headers["location"])
    assert confirmation.status_code == 200
    text = confirmation.text
    assert "Accès d&#39;urgence ouvert" in text
    assert "pendant 4 heures, de 23:15 à 03:15" in text
    assert "Temps restant\u202f: 4 h 00 min" in text
    assert f'href="/pro/records/{patient.id}"' in text
    with clock.frozen_at(datetime(2026, 3, 2, 22, 25, tzinfo=UTC)):
        later = await client.get("/pro/emergency")
    assert "encore 3 h 50 min (jusqu&#39;à 03:15)" in later.text


async def test_the_patient_and_the_treating_doctor_see_it(client, settings, db):
    patient = await make_patient()
    doctor = await make_professional("physician", last_name="MEDECIN")
    await TreatingDoctor.create(patient_id=patient.id, professional_id=doctor.id,
                                designated_at=NOW)
    _, csrf = await _signed(client, settings, "emergency_physician")
    await client.post("/pro/emergency", data=_form(patient, csrf))
    history = await (await session(client, settings, patient))(HISTORY, p=pid(patient))
    assert {"requestKind": "EMERGENCY_OPEN", "basis": "EMERGENCY", "detail": REASON} in (
        history["data"]["accessHistory"]["items"])
    told = {(n.recipient_id, n.kind) for n in await Notification.filter(patient_id=patient.id)}
    assert told == {(patient.account_id, NotificationKind.EMERGENCY_ACCESS),
                    (doctor.account_id, NotificationKind.EMERGENCY_ACCESS)}


async def test_every_refusal_is_the_same_page_the_same_words_the_same_status(
        client, settings, db):
    exists, opposed = await make_patient(), await make_patient()
    await (await session(client, settings, opposed))(OPPOSE, patientId=pid(opposed),
                                                     opposed=True)
    professional, csrf = await _signed(client, settings, "emergency_physician")
    nobody_nir = "1991299999999"
    answers = [
        await client.post("/pro/emergency", data=_form(None, csrf, ins=nobody_nir + nir_key(
            nobody_nir), birth_date="01/01/1980")),
        await client.post("/pro/emergency", data=_form(exists, csrf, birth_date="02/01/1980")),
        await client.post("/pro/emergency", data=_form(opposed, csrf)),
    ]
    for _ in range(20):  # reach the lookup throttle
        await client.post("/pro/emergency", data=_form(opposed, csrf))
    answers.append(await client.post("/pro/emergency", data=_form(exists, csrf)))
    assert {a.status_code for a in answers} == {400}
    assert len({_without_typed_values(a.text) for a in answers}) == 1
    assert "ne dit pas si la personne est dans Carnet" in answers[0].text
    assert await EmergencyAccess.filter(professional_id=professional.id).count() == 0


async def test_problems_with_the_form_keep_what_was_typed(client, settings, db):
    patient = await make_patient()
    _, csrf = await _signed(client, settings, "samu_regulator")
    short = await client.post("/pro/emergency", data=_form(patient, csrf, reason="Trop court"))
    assert short.status_code == 400
    assert 'id="e-reason"' in short.text and ">Trop court</textarea>" in short.text
    assert f'value="{patient.ins_nir + patient.ins_key}"' in short.text
    bad = await client.post("/pro/emergency", data=_form(patient, csrf, ins="123"))
    assert 'id="e-ins"' in bad.text and REASON in bad.text
    assert await EmergencyAccess.all().count() == 0


async def test_no_route_opens_a_record_by_its_id(client, settings, db):
    patient = await make_patient()
    _, csrf = await _signed(client, settings, "emergency_physician")
    for path in (f"/pro/emergency/{patient.id}", f"/pro/emergency?patient={patient.id}"):
        await client.post(path, data={"csrf_token": csrf, "reason": REASON,
                                      "patient_id": str(patient.id),
                                      "patient": str(patient.id)})
    assert (await client.get(f"/pro/emergency/{patient.id}")).status_code == 404
    assert await EmergencyAccess.all().count() == 0
    events = await AccessEvent.filter(patient_id=patient.id).count()
    assert events == 0


@pytest.mark.parametrize("profession", ["physician", "nurse", "pharmacist"])
async def test_other_professions_get_a_page_that_says_why_and_no_link(
        client, settings, db, profession):
    patient = await make_patient()
    _, csrf = await _signed(client, settings, profession)
    page = await client.get("/pro/emergency")
    assert page.status_code == 403
    assert "Seuls les médecins urgentistes et les médecins régulateurs du SAMU" in page.text
    assert 'href="/pro/emergency"' not in page.text
    refused = await client.post("/pro/emergency", data=_form(patient, csrf))
    assert refused.status_code == 403
    assert await EmergencyAccess.all().count() == 0
    deposit = await client.get("/pro/deposit")
    assert 'href="/pro/emergency"' not in deposit.text


async def test_the_navigation_offers_emergency_access_to_emergency_professions(
        client, settings, db):
    await _signed(client, settings, "emergency_physician")
    assert 'href="/pro/emergency"' in (await client.get("/pro/deposit")).text
