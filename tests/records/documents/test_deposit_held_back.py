"""A deposit held back until the professional has seen the patient: hidden from the
patient (GraphQL and their pages), unannounced, then shown and announced once released."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from api import clock
from api.consent.models import Notification, NotificationKind
from api.identity.models import Role
from api.records.documents.held_back import send_due_held_back_notices
from tests.consent.support import codes, session
from tests.factories import make_account, make_patient, make_professional
from tests.records.documents.deposit_support import (
    MY_DEPOSITS,
    PATIENT_DOCUMENTS,
    RELEASE,
    deposit,
    payload,
    traits_of,
)

NOW = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_january_31() -> Iterator[None]:
    """Every test starts on 31 January: the month ahead ends on 28 February."""
    with clock.frozen_at(NOW):
        yield


async def _held_back(client, settings):  # type: ignore[no-untyped-def]
    parent = await make_account(Role.PATIENT)
    child = await make_patient(birth_date=datetime(2015, 3, 1).date(), guardian=parent)
    bernard = await make_professional(last_name="BERNARD")
    doctor = await session(client, settings, bernard)
    body = await deposit(doctor, patientTraits=traits_of(child), holdBack=True,
                         title="Ordonnance à expliquer")
    return child, parent, bernard, doctor, body


async def _patient_titles(client, settings, who, patient) -> list[str]:  # type: ignore[no-untyped-def]
    body = await (await session(client, settings, who))(PATIENT_DOCUMENTS, id=str(patient.id))
    return [item["title"] for item in body["data"]["patient"]["documents"]["items"]]


async def test_a_held_back_deposit_is_hidden_then_shown_once_released(client, settings, db):
    child, parent, _, doctor, body = await _held_back(client, settings)
    # At most a month: the same day next month, or that month's last day.
    assert payload(body)["heldBackUntil"].startswith("2026-02-28T09:00:00")
    assert await _patient_titles(client, settings, parent, child) == []
    assert await Notification.filter(patient_id=child.id).count() == 0  # not announced yet
    [mine] = (await doctor(MY_DEPOSITS))["data"]["myDeposits"]["items"]
    assert (mine["title"], mine["heldBackUntil"][:10]) == ("Ordonnance à expliquer",
                                                          "2026-02-28")
    released = await doctor(RELEASE, id=mine["id"])
    assert released["data"]["releaseHeldBackDocument"]["deposit"]["heldBackUntil"] is None
    assert await _patient_titles(client, settings, parent, child) == ["Ordonnance à expliquer"]
    notices = await Notification.filter(patient_id=child.id)
    # The child and their parent are told.
    assert {(n.kind, n.recipient_id) for n in notices} == {
        (NotificationKind.HELD_BACK_RELEASED, child.account_id),
        (NotificationKind.HELD_BACK_RELEASED, parent.id)}
    assert "BERNARD" in notices[0].payload["professional"]
    [mine] = (await doctor(MY_DEPOSITS))["data"]["myDeposits"]["items"]
    assert mine["heldBackUntil"] is None


async def test_the_patients_page_hides_it_until_release(client, settings, db):
    child, parent, _, doctor, _ = await _held_back(client, settings)
    await session(client, settings, parent)
    page = await client.get(f"/records/{child.id}/documents")
    assert page.status_code == 200 and "Ordonnance à expliquer" not in page.text
    [mine] = (await doctor(MY_DEPOSITS))["data"]["myDeposits"]["items"]
    await doctor(RELEASE, id=mine["id"])
    await session(client, settings, parent)
    page = await client.get(f"/records/{child.id}/documents")
    assert "Ordonnance à expliquer" in page.text


async def test_only_the_depositor_releases_and_only_once(client, settings, db):
    child, parent, _, doctor, _ = await _held_back(client, settings)
    [mine] = (await doctor(MY_DEPOSITS))["data"]["myDeposits"]["items"]
    colleague = await session(client, settings, await make_professional())
    assert codes(await colleague(RELEASE, id=mine["id"])) == ["NOT_FOUND"]
    assert codes(await colleague(RELEASE, id="999999")) == ["NOT_FOUND"]
    assert codes(await (await session(client, settings, parent))(RELEASE, id=mine["id"])) == [
        "PROFESSIONALS_ONLY"]
    assert await _patient_titles(client, settings, parent, child) == []
    assert "errors" not in await doctor(RELEASE, id=mine["id"])
    assert codes(await doctor(RELEASE, id=mine["id"])) == ["NOT_FOUND"]
    assert await Notification.filter(patient_id=child.id).count() == 2  # child and parent


async def test_left_held_back_the_patient_is_told_after_two_weeks_and_sees_it_after_a_month(
        client, settings, db):
    child, parent, _, _, _ = await _held_back(client, settings)
    with clock.frozen_at(datetime(2026, 2, 14, 9, 0, tzinfo=UTC)):
        assert await send_due_held_back_notices() == 1
    notices = await Notification.filter(patient_id=child.id)
    assert {(n.kind, n.recipient_id) for n in notices} == {
        (NotificationKind.HELD_BACK_DOCUMENT, child.account_id),
        (NotificationKind.HELD_BACK_DOCUMENT, parent.id)}
    with clock.frozen_at(datetime(2026, 2, 28, 8, 59, tzinfo=UTC)):
        assert await _patient_titles(client, settings, parent, child) == []
    with clock.frozen_at(datetime(2026, 2, 28, 9, 0, tzinfo=UTC)):
        assert await _patient_titles(client, settings, parent, child) == [
            "Ordonnance à expliquer"]


async def test_a_deposit_not_held_back_is_shown_and_announced_at_once(client, settings, db):
    patient = await make_patient()
    doctor = await session(client, settings, await make_professional())
    body = await deposit(doctor, patientTraits=traits_of(patient))
    assert payload(body)["heldBackUntil"] is None
    assert await _patient_titles(client, settings, patient, patient) == ["Ordonnance"]
    [notice] = await Notification.filter(patient_id=patient.id)
    assert notice.kind is NotificationKind.DOCUMENT_DEPOSITED


async def test_held_back_it_cannot_be_opened_by_its_id_or_its_address_either(
        client, settings, db):
    _, parent, _, doctor, _ = await _held_back(client, settings)
    [mine] = (await doctor(MY_DEPOSITS))["data"]["myDeposits"]["items"]
    mother = await session(client, settings, parent)
    one = """query($id: ID!) { document(id: $id) { title } }"""
    assert codes(await mother(one, id=mine["id"])) == ["NOT_FOUND"]
    assert (await client.get(f"/documents/{mine['id']}/content")).status_code == 404
    await doctor(RELEASE, id=mine["id"])
    mother = await session(client, settings, parent)
    assert (await mother(one, id=mine["id"]))["data"]["document"]["title"] == (
        "Ordonnance à expliquer")
    assert (await client.get(f"/documents/{mine['id']}/content")).status_code == 200
