"""An item opens only under the record it belongs to.

A parent reaches two records, their own and their child's: the child's document, entry or
measurement opened under the parent's address is not found (the page would show it inside
the parent's record and post its forms there), and nothing changes; under the child's
address it opens and changes as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import httpx
import pytest

from api.identity.models import Account, Patient
from api.records.documents.models import Document
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.records.documents.helpers import make_document
from tests.records.entries import helpers as entries
from tests.records.measurements.support import store

HTMX = {"HX-Request": "true"}
SAMPLES = {
    "history": {"kind": "CONDITION", "code": "J45.9", "onsetDate": "2021-05-02"},
    "allergies": {"substance": "Arachide", "severity": "SEVERE"},
    "treatments": {"medication": "Salbutamol", "startDate": "2020-01-02"},
    "vaccinations": {"vaccineCode": "MMR", "date": "2016-03-02"},
}
# A save that the page would accept, for sections whose forms have no terminology field.
SAVES = {
    "allergies": {"substance": "Pénicilline", "reaction": "", "severity": "MILD",
                  "criticality": "", "onsetDate": "", "note": ""},
    "treatments": {"medication": "Ventoline", "dose": "", "route": "", "startDate": "",
                   "endDate": "", "prescriber": "", "note": ""},
}


@dataclass
class Family:
    client: httpx.AsyncClient
    csrf: str
    account: Account
    own: Patient
    child: Patient

    def as_signed(self, patient: Patient) -> entries.Signed:
        return entries.Signed(self.client, self.csrf, self.account, patient)


@pytest.fixture
async def family(client: httpx.AsyncClient, settings: Settings) -> Family:
    parent = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Léo", birth_name="MARTIN",
                               birth_date=date(2015, 3, 2), guardian=account)
    csrf = await sign_in(client, account, settings.secret_key)
    return Family(client, csrf, account, parent, child)


def _is_not_found(response: httpx.Response) -> bool:
    return response.status_code == 404 and "Léo" not in response.text


# --- documents -----------------------------------------------------------------------


async def test_a_childs_document_is_not_found_under_the_parents_record(family: Family):
    document = await make_document(family.child, family.account, title="Carnet de Léo")
    wrong = f"/records/{family.own.id}/documents/{document.id}"
    for headers in ({}, HTMX):
        assert _is_not_found(await family.client.get(wrong, headers=headers))
    posts = (("edit", {"title": "Renommé", "type_code": "11488-4",
                       "document_date": "01/02/2024"}),
             ("visibility", {"hidden": "1"}), ("delete", {}))
    for action, data in posts:
        for headers in ({}, HTMX):
            sent = await family.client.post(f"{wrong}/{action}", headers=headers,
                                            data={"csrf_token": family.csrf, **data})
            assert _is_not_found(sent), (action, headers)
    kept = await Document.get(id=document.id)
    assert (kept.title, kept.hidden_from_professionals) == ("Carnet de Léo", False)


async def test_the_parents_own_document_is_not_found_under_the_childs_record(family: Family):
    document = await make_document(family.own, title="Bilan de Camille")
    wrong = f"/records/{family.child.id}/documents/{document.id}"
    assert (await family.client.get(wrong)).status_code == 404
    sent = await family.client.post(f"{wrong}/delete", data={"csrf_token": family.csrf})
    assert sent.status_code == 404
    assert await Document.exists(id=document.id)


async def test_a_childs_document_opens_and_changes_under_the_childs_record(family: Family):
    document = await make_document(family.child, family.account, title="Carnet de Léo")
    right = f"/records/{family.child.id}/documents/{document.id}"
    page = await family.client.get(right)
    assert page.status_code == 200 and "Carnet de Léo" in page.text
    sent = await family.client.post(f"{right}/edit", data={
        "csrf_token": family.csrf, "title": "Carnet de santé", "type_code": "11488-4",
        "document_date": "01/02/2024"})
    assert sent.status_code == 303
    assert (await Document.get(id=document.id)).title == "Carnet de santé"
    sent = await family.client.post(f"{right}/delete", data={"csrf_token": family.csrf})
    assert sent.headers["location"] == f"/records/{family.child.id}/documents?done=deleted"
    assert not await Document.exists(id=document.id)


# --- history, allergies, treatments, vaccinations --------------------------------------


@pytest.mark.parametrize("section", list(SAMPLES))
async def test_a_childs_entry_is_not_found_under_the_parents_record(family: Family, section):
    entry = await entries.added(family.as_signed(family.child), section, SAMPLES[section])
    wrong = f"/records/{family.own.id}/{section}/{entry['id']}"
    assert _is_not_found(await family.client.get(wrong, headers=HTMX))
    for rest in ("/edit", "/remove"):
        for headers in ({}, HTMX):
            assert _is_not_found(await family.client.get(wrong + rest, headers=headers)), rest
    for headers in ({}, HTMX):
        sent = await family.client.post(f"{wrong}/remove", headers=headers,
                                        data={"csrf_token": family.csrf})
        assert _is_not_found(sent), headers
    page = await entries.represented_page(family.as_signed(family.child), section)
    assert page["items"] == [entry]


@pytest.mark.parametrize("section", list(SAVES))
async def test_a_childs_entry_is_not_saved_under_the_parents_record(family: Family, section):
    entry = await entries.added(family.as_signed(family.child), section, SAMPLES[section])
    wrong = f"/records/{family.own.id}/{section}/{entry['id']}/edit"
    for headers in ({}, HTMX):
        sent = await family.client.post(wrong, headers=headers,
                                        data={"csrf_token": family.csrf, **SAVES[section]})
        assert _is_not_found(sent), headers
    page = await entries.represented_page(family.as_signed(family.child), section)
    assert page["items"] == [entry]


async def test_a_childs_entry_opens_changes_and_goes_under_the_childs_record(family: Family):
    entry = await entries.added(family.as_signed(family.child), "treatments",
                                SAMPLES["treatments"])
    right = f"/records/{family.child.id}/treatments/{entry['id']}"
    for rest in ("/edit", "/remove"):
        page = await family.client.get(right + rest)
        assert page.status_code == 200 and "Salbutamol" in page.text, rest
    sent = await family.client.post(f"{right}/edit",
                                    data={"csrf_token": family.csrf, **SAVES["treatments"]})
    assert sent.status_code == 303
    page = await entries.represented_page(family.as_signed(family.child), "treatments")
    assert [item["medication"] for item in page["items"]] == ["Ventoline"]
    sent = await family.client.post(f"{right}/remove", data={"csrf_token": family.csrf})
    assert sent.status_code == 303
    page = await entries.represented_page(family.as_signed(family.child), "treatments")
    assert page["totalCount"] == 0


# --- measurements --------------------------------------------------------------------


async def test_a_childs_measurement_is_removed_only_under_the_childs_record(family: Family):
    await store(family.child, "weight", [(datetime(2026, 1, 5, tzinfo=UTC), 24.0)])
    weight = await Measurement.get(patient_id=family.child.id)
    form = {"csrf_token": family.csrf, "id": str(weight.id), "period": "all"}
    for headers in ({}, HTMX):
        sent = await family.client.post(f"/records/{family.own.id}/measurements/weight/remove",
                                        headers=headers, data=form)
        assert _is_not_found(sent), headers
    assert await Measurement.exists(id=weight.id)
    sent = await family.client.post(f"/records/{family.child.id}/measurements/weight/remove",
                                    data=form)
    assert sent.status_code == 303
    assert not await Measurement.exists(id=weight.id)
