"""A doctor's change to the directives and its event commit, or fail, together."""

from __future__ import annotations

import httpx
import pytest

from api.consent.sections import Section
from api.identity.models import Account
from api.records.directives.models import Directives
from api.settings import Settings
from tests.audit.writes import (
    fail_after,
    failed,
    grant_writing,
    history_of,
    only_event,
    watch_history,
)
from tests.factories import make_patient, make_professional, sign_in
from tests.records.directives.support import CLEAR, Person, save


async def _doctor_of_a_patient(client: httpx.AsyncClient, settings: Settings) -> Person:
    """A doctor signed in, who may change the directives of the patient they look after."""
    patient = await make_patient()
    doctor = await make_professional("physician", last_name="MEDECIN")
    await grant_writing(patient, doctor, Section.DIRECTIVES)
    csrf = await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    return Person(client, csrf, patient)


async def test_a_doctor_saving_directives_writes_one_event_in_the_same_transaction(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    assert doctor.patient is not None
    history = watch_history(monkeypatch)
    saved = await save(doctor, organDonation="CONSENTS")
    assert saved["userErrors"] == []
    event = await only_event(history, doctor.patient.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions) == (
        "Test MEDECIN", "grant", "directives", "write")


async def test_directives_whose_write_fails_after_the_insert_leave_no_row_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    assert doctor.patient is not None
    fail_after(monkeypatch, Directives, "create")
    body = await doctor.ask(
        "mutation($input: SaveDirectivesInput!) { saveDirectives(input: $input) "
        "{ directives { organDonation } userErrors { code } } }",
        input={"patientId": str(doctor.patient.id), "organDonation": "CONSENTS"})
    assert failed(body, "saveDirectives")
    assert not await Directives.filter(patient_id=doctor.patient.id).exists()
    assert await history_of(doctor.patient.id) == []


async def test_directives_refused_with_user_errors_or_nothing_to_clear_leave_no_event(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    assert doctor.patient is not None
    refused = await save(doctor, organDonation="LIMITED")
    assert [e["code"] for e in refused["userErrors"]] == ["LIMITS_REQUIRED"]
    cleared = await doctor.ask(CLEAR, patientId=str(doctor.patient.id))
    assert cleared["data"]["clearDirectives"]["cleared"] is False
    assert await history_of(doctor.patient.id) == []
