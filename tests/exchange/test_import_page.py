"""The import page: the patient and a parent import; a professional, even with a write grant,
and a stranger find no such page; the report says what was added and what was left out."""

from __future__ import annotations

from datetime import date

import httpx

from api.audit.models import AccessEvent
from api.consent.sections import Section
from api.identity.models import Account, Role
from api.records.entries.models import Allergy, HistoryEntry
from api.settings import Settings
from tests.exchange import bundles
from tests.factories import make_account, make_patient, make_professional, sign_in
from tests.web.pro.support import grant, text_of


def _url(patient_id: int) -> str:
    return f"/records/{patient_id}/fhir-import"


async def _send(client: httpx.AsyncClient, csrf: str, patient_id: int, content: bytes,
                name: str = "export.json") -> httpx.Response:
    return await client.post(_url(patient_id), data={"csrf_token": csrf},
                             files={"file": (name, content, "application/json")})


async def test_the_patient_imports_a_file_and_reads_the_report(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    csrf = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    documents = await client.get(f"/records/{patient.id}/documents")
    assert f'href="{_url(patient.id)}"' in documents.text
    form = await client.get(_url(patient.id))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert "fichier FHIR" in text_of(form)
    content = bundles.as_bytes(bundles.bundle(
        bundles.PATIENT, bundles.condition(1), bundles.allergy(4),
        bundles.observation(7, code="99999-9")))
    done = await _send(client, csrf, patient.id, content)
    page = text_of(done)
    assert done.status_code == 200
    assert "2 entrées ajoutées au dossier" in page
    assert "Antécédents : 1" in page and "Allergies : 1" in page
    assert "Observation/measurement-7" in page and "99999-9" in page
    assert "Patient/patient-1" in page
    assert await HistoryEntry.filter(patient_id=patient.id, imported=True).count() == 1
    history = await client.get(f"/records/{patient.id}/history")
    assert "importé" in text_of(history).lower()
    # The same file again: nothing added, and what was left out is said once per reason,
    # with a count, the items behind a disclosure rather than a line each.
    again = text_of(await _send(client, csrf, patient.id, content))
    assert "Rien de nouveau" in again or "0 entrée" in again
    # Left out: the two already there, the unknown code; read but not imported: the Patient.
    assert again.count("Voir lesquels") == 3
    assert "(2) Voir lesquels" in again


async def test_a_refused_file_shows_where_and_adds_nothing(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    csrf = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    client.cookies.set("carnet_lang", "en")
    done = await _send(client, csrf, patient.id, b'{"resourceType": "Bundle", "type": ')
    assert done.status_code == 400
    page = text_of(done)
    assert "This file cannot be imported; nothing was added." in page
    assert "at line 1, column 36" in page
    assert 'role="alert"' in done.text
    assert await Allergy.filter(patient_id=patient.id).count() == 0


async def test_a_parent_imports_and_the_access_history_shows_it(
        client: httpx.AsyncClient, settings: Settings) -> None:
    parent = await make_account(Role.PATIENT)
    await make_patient(email=None)  # someone else, to be sure the right record is used
    child = await make_patient(account=False, guardian=parent, birth_date=date(2015, 4, 1))
    csrf = await sign_in(client, parent, settings.secret_key)
    dust = {**bundles.allergy(4), "code": {"text": "acariens"}}
    del dust["onsetDateTime"]  # before the child was born: refused, as typed it would be
    done = await _send(client, csrf, child.id, bundles.as_bytes(bundles.bundle(dust)))
    assert done.status_code == 200, done.text
    assert await Allergy.filter(patient_id=child.id, imported=True, created_by_id=parent.id
                                ).count() == 1
    event = await AccessEvent.get(patient_id=child.id, actions="write")
    assert (event.viewer_account_id, event.sections, event.actions, event.request_kind) == (
        parent.id, "allergies", "write", "deposit")


async def test_a_professional_with_a_write_grant_and_a_stranger_find_no_page(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    professional = await make_professional()
    await grant(patient, professional, Section.ALLERGIES, Section.HISTORY, write=True)
    pro_account = await Account.get(id=professional.account_id)
    csrf = await sign_in(client, pro_account, settings.secret_key)
    content = bundles.as_bytes(bundles.bundle(bundles.allergy(4)))
    assert (await client.get(_url(patient.id))).status_code == 404
    assert (await _send(client, csrf, patient.id, content)).status_code == 404
    stranger = await make_patient()
    csrf = await sign_in(client, await Account.get(id=stranger.account_id), settings.secret_key)
    assert (await client.get(_url(patient.id))).status_code == 404
    assert (await _send(client, csrf, patient.id, content)).status_code == 404
    assert await Allergy.filter(patient_id=patient.id).count() == 0
