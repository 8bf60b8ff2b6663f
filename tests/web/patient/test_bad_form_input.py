"""Values a form should never carry (control characters, impossible dates and numbers) get
the form's own message or a clear 400 page: never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

import httpx
import pytest

from api import clock
from api.identity.models import Account
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.records.documents.helpers import PDF_BYTES
from tests.records.entries.helpers import Signed, own_page

PARIS = ZoneInfo("Europe/Paris")
HTMX = {"HX-Request": "true"}
INVISIBLE = "invisible character"


@pytest.fixture
async def owner(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


def url(owner: Signed, section: str) -> str:
    return f"/records/{owner.patient.id}/{section}"


def allergy(owner: Signed, **fields: str) -> dict[str, str]:
    return {"csrf_token": owner.csrf, "substance": "Pollen", "reaction": "", "severity": "",
            "criticality": "", "onsetDate": "", "note": "", **fields}


@pytest.mark.parametrize(("fields", "headers"), [
    ({"substance": "Pen\x00icilline"}, {}),
    ({"reaction": "rougeur\x1b[2J"}, {}),
    ({"substance": "a\nb"}, {}),
    ({"note": "ligne\x07"}, HTMX),
])
async def test_a_control_character_in_an_entry_form_is_refused_in_words(owner, fields, headers):
    owner.client.cookies.set("carnet_lang", "en")
    sent = await owner.client.post(url(owner, "allergies"), data=allergy(owner, **fields),
                                   headers=headers)
    assert sent.status_code == 400
    assert INVISIBLE in unescape(sent.text)
    assert (await own_page(owner, "allergies"))["totalCount"] == 0


async def test_line_breaks_and_tabs_stay_allowed_in_a_note(owner):
    sent = await owner.client.post(url(owner, "allergies"),
                                   data=allergy(owner, note="ligne 1\r\n\tligne 2"))
    assert sent.status_code == 303
    [saved] = (await own_page(owner, "allergies"))["items"]
    assert saved["note"].splitlines() == ["ligne 1", "\tligne 2"]


@pytest.mark.parametrize(("onset", "message"), [
    ("0000-01-01", "Indiquez une date comme 14/07/2021."),
    ("30/02/2024", "Indiquez une date comme 14/07/2021."),
    ("10000-01-01", "Indiquez une date comme 14/07/2021."),
])
async def test_an_impossible_date_gets_the_form_message(owner, onset, message):
    sent = await owner.client.post(url(owner, "allergies"), data=allergy(owner, onsetDate=onset))
    assert sent.status_code == 400 and message in unescape(sent.text)


@pytest.mark.parametrize("dose", ["²", "1.5", "99999999999"])
async def test_a_dose_number_that_is_not_a_whole_number_gets_the_form_message(owner, dose):
    sent = await owner.client.post(url(owner, "vaccinations"), data={
        "csrf_token": owner.csrf, "vaccineCode": "MMR", "date": "2016-03-02",
        "doseNumber": dose, "lotNumber": "", "performer": "", "note": ""})
    assert sent.status_code == 400
    assert "Indiquez un nombre entier" in unescape(sent.text)


@pytest.mark.parametrize(("value", "message"), [
    ("1e308", "Indiquez la valeur en chiffres"),
    ("999999999", "trop haut pour être possible"),
])
async def test_an_absurd_measurement_gets_the_form_message(owner, value, message):
    moment = (clock.now() - timedelta(hours=2)).astimezone(PARIS)
    sent = await owner.client.post(url(owner, "measurements"), data={
        "csrf_token": owner.csrf, "kind": "WEIGHT", "value": value, "value2": "",
        "measured_on": moment.strftime("%d/%m/%Y"), "measured_time": moment.strftime("%H:%M"),
        "note": ""})
    assert sent.status_code == 400 and message in unescape(sent.text)


@pytest.mark.parametrize("fields", [
    {"title": "Compte\x00rendu"},
    {"typed_date": "²/03/2025"},
    {"typed_date": "14/03/99999"},
    {"document_date": "0000-01-01"},
])
async def test_the_upload_form_refuses_bad_fields_with_the_form_message(owner, fields):
    data = {"csrf_token": owner.csrf, "patient_id": str(owner.patient.id),
            "next": url(owner, "documents"), **fields}
    back = url(owner, "documents")
    sent = await owner.client.post("/documents/upload", params={"errors_to": back}, data=data,
                                   files=[("file", ("a.pdf", PDF_BYTES, "application/pdf"))])
    assert sent.status_code == 303, sent.text
    page = await owner.client.get(sent.headers["location"])
    assert page.status_code == 200
    shown = unescape(page.text)
    assert "caractère invisible" in shown or "Saisissez une date comme 14/03/2025." in shown


@pytest.mark.parametrize("patient_id", ["²", str(2**40), "-1"])
async def test_the_upload_form_takes_no_strange_record_number(owner, patient_id):
    sent = await owner.client.post("/documents/upload", data={
        "csrf_token": owner.csrf, "patient_id": patient_id},
        files=[("file", ("a.pdf", PDF_BYTES, "application/pdf"))])
    assert sent.status_code == 404


@pytest.mark.parametrize("section", ["allergies", "history", "documents", "access-history"])
@pytest.mark.parametrize("query", ["?after=%00", "?after=wrI%3D", "?after=%ED%A0%80",
                                   "?category=%00", "?professional=%C2%B2"])
async def test_odd_query_strings_on_record_pages_are_never_a_server_error(owner, section, query):
    page = await owner.client.get(url(owner, section) + query)
    assert page.status_code in (200, 303, 400, 404), page.status_code
