"""A parent's change to a child's measurements and its event commit, or fail, together."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from api.identity.models import Role
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.audit.writes import fail_after, failed, history_of, only_event, watch_history
from tests.factories import make_account, make_patient, sign_in
from tests.records.measurements.support import ADD, UPDATE, Person


async def _parent_of_a_child(client: httpx.AsyncClient, settings: Settings) -> Person:
    parent = await make_account(Role.PATIENT, email="parent@test.invalid")
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2019, 4, 2),
                               guardian=parent)
    csrf = await sign_in(client, parent, settings.secret_key)
    return Person(client, csrf, child)


async def test_a_parent_adding_a_weight_writes_one_event_in_the_same_transaction(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = await _parent_of_a_child(client, settings)
    assert parent.patient is not None
    history = watch_history(monkeypatch)
    added = await parent.add(kind="WEIGHT", value=21.4)
    assert added["userErrors"] == []
    event = await only_event(history, parent.patient.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions) == (
        "parent@test.invalid", "representative", "measurements", "write")


async def test_a_weight_whose_write_fails_after_its_insert_leaves_no_row_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = await _parent_of_a_child(client, settings)
    assert parent.patient is not None
    fail_after(monkeypatch, Measurement, "create")
    body = await parent.ask(ADD, input={"patientId": str(parent.patient.id), "kind": "WEIGHT",
                                        "value": 21.4, "measuredAt": "2025-06-02T08:00:00Z"})
    assert failed(body, "addMeasurement")
    assert not await Measurement.filter(patient_id=parent.patient.id).exists()
    assert await history_of(parent.patient.id) == []


async def test_a_correction_that_fails_after_saving_keeps_the_old_value_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = await _parent_of_a_child(client, settings)
    assert parent.patient is not None
    weight = (await parent.add(kind="WEIGHT", value=21.4))["measurement"]
    fail_after(monkeypatch, Measurement, "save")
    body = await parent.ask(UPDATE, input={"id": weight["id"], "value": 22})
    assert failed(body, "updateMeasurement")
    assert float((await Measurement.get(id=int(weight["id"]))).value) == 21.4
    assert [e.actions for e in await history_of(parent.patient.id)] == ["write"]


async def test_an_implausible_weight_refused_with_user_errors_leaves_no_event(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    parent = await _parent_of_a_child(client, settings)
    assert parent.patient is not None
    refused = await parent.add(kind="WEIGHT", value=2000)
    assert refused["userErrors"]
    assert await history_of(parent.patient.id) == []
