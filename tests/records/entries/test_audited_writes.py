"""Each change to an entry and its event in the access history commit, or fail, together."""

from __future__ import annotations

import httpx
import pytest

from api.consent.sections import Section
from api.identity.models import Account, Patient
from api.records.entries.models import Allergy
from api.settings import Settings
from tests.audit.writes import (
    break_history,
    fail_after,
    failed,
    grant_writing,
    history_of,
    only_event,
    watch_history,
)
from tests.factories import make_patient, make_professional, sign_in
from tests.records.entries.helpers import Signed, add, remove


async def _doctor_with_write_access(settings: Settings, client: httpx.AsyncClient
                                    ) -> tuple[Patient, Signed]:
    """A patient, and a doctor signed in who may change the patient's allergies."""
    patient = await make_patient()
    doctor = await make_professional("physician", last_name="MEDECIN")
    await grant_writing(patient, doctor, Section.ALLERGIES)
    account = await Account.get(id=doctor.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    return patient, Signed(client, csrf, account, patient)


async def test_a_doctor_adding_an_allergy_writes_one_event_in_the_same_transaction(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient, signed = await _doctor_with_write_access(settings, client)
    history = watch_history(monkeypatch)
    body = await add(signed, "allergies", {"substance": "Latex"})
    assert body["data"]["addAllergy"]["userErrors"] == []
    assert [a.substance for a in await Allergy.filter(patient_id=patient.id)] == ["Latex"]
    event = await only_event(history, patient.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions) == (
        "Test MEDECIN", "grant", "allergies", "write")


async def test_an_allergy_whose_write_fails_after_its_insert_leaves_no_row_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient, signed = await _doctor_with_write_access(settings, client)
    fail_after(monkeypatch, Allergy, "create")
    body = await add(signed, "allergies", {"substance": "Latex"})
    assert failed(body, "addAllergy")
    assert not await Allergy.filter(patient_id=patient.id).exists()
    assert await history_of(patient.id) == []


async def test_an_allergy_is_not_kept_when_its_event_cannot_be_written(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient, signed = await _doctor_with_write_access(settings, client)
    break_history(monkeypatch)
    body = await add(signed, "allergies", {"substance": "Latex"})
    assert failed(body, "addAllergy")
    assert not await Allergy.filter(patient_id=patient.id).exists()


async def test_an_allergy_refused_with_user_errors_leaves_no_event(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient, signed = await _doctor_with_write_access(settings, client)
    body = await add(signed, "allergies", {"substance": "  "})
    assert body["data"]["addAllergy"]["userErrors"]
    assert await history_of(patient.id) == []


async def test_a_doctor_removing_an_allergy_is_recorded_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient, signed = await _doctor_with_write_access(settings, client)
    added = await add(signed, "allergies", {"substance": "Pollen"})
    allergy_id = added["data"]["addAllergy"]["allergy"]["id"]
    body = await remove(signed, "allergies", allergy_id)
    assert body["data"]["removeAllergy"]["removedId"] == allergy_id
    assert [e.actions for e in await history_of(patient.id)] == ["write", "write"]


async def test_the_patient_changing_their_own_allergies_leaves_no_trace(owner: Signed) -> None:
    await add(owner, "allergies", {"substance": "Latex"})
    assert await Allergy.filter(patient_id=owner.patient.id).exists()
    assert await history_of(owner.patient.id) == []
