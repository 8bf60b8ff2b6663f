"""Partial dates on the history and vaccinations pages: people type « 2005 », « 05/2019 » or
« mai 2019 », with or without JavaScript, and read them back as they typed them, in French
and in English; a year or a month before the birth is refused next to its field."""

from __future__ import annotations

from datetime import date

import pytest

from api.identity.models import Account
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed, added, own_page
from tests.web.patient.test_entries_pages import HTMX, text_of, url


@pytest.fixture
async def owner(client, settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN",
                                 birth_date=date(1990, 6, 15))
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


def history_form(owner: Signed, words: str = "Asthme allergique", **fields: str
                 ) -> dict[str, str]:
    # "-" for the person's own words, not coded (as chosen in the suggestions).
    return {"csrf_token": owner.csrf, "kind": "CONDITION", "condition": words,
            "conditionFor": words, "conditionCode": "-", "onsetDate": "", "resolutionDate": "",
            "status": "", "relative": "", "note": "", **fields}


def vaccination_form(owner: Signed, **fields: str) -> dict[str, str]:
    return {"csrf_token": owner.csrf, "vaccine": "ROR", "date": "", **fields}


@pytest.mark.parametrize(("typed", "first", "precision", "shown"), [
    ("2005", "2005-01-01", "YEAR", "depuis 2005"),
    ("05/2019", "2019-05-01", "MONTH", "depuis mai 2019"),
    ("mai 2019", "2019-05-01", "MONTH", "depuis mai 2019"),
    ("14/07/2021", "2021-07-14", "DAY", "depuis le 14 juillet 2021"),
])
async def test_an_onset_typed_as_a_year_or_a_month_reads_as_typed(owner, typed, first,
                                                                  precision, shown):
    sent = await owner.client.post(url(owner, "history"), data=history_form(owner,
                                                                            onsetDate=typed))
    assert sent.status_code == 303, text_of(sent)
    [saved] = (await own_page(owner, "history"))["items"]
    assert (saved["onsetDate"], saved["onsetPrecision"]) == (first, precision)
    assert shown in text_of(await owner.client.get(url(owner, "history")))


async def test_an_onset_typed_in_english_with_htmx_reads_in_english(owner):
    owner.client.cookies.set("carnet_lang", "en")
    sent = await owner.client.post(url(owner, "history"), headers=HTMX,
                                   data=history_form(owner, onsetDate="May 2019"))
    assert sent.status_code == 200 and "since May 2019" in text_of(sent)
    await owner.client.post(url(owner, "history"), data=history_form(
        owner, "Appendicectomie", kind="SURGERY", onsetDate="2001"))
    page = text_of(await owner.client.get(url(owner, "history")))
    assert "in 2001" in page and "since May 2019" in page


async def test_a_past_illness_says_in_and_from_a_month(owner):
    await added(owner, "history", {"kind": "SURGERY", "text": "Appendicectomie",
                                   "onsetDate": "2001-03-01", "onsetPrecision": "MONTH"})
    await added(owner, "history", {"kind": "CONDITION", "text": "Eczéma",
                                   "onsetDate": "1995-01-01", "onsetPrecision": "YEAR",
                                   "resolutionDate": "2003-09-01"})
    page = text_of(await owner.client.get(url(owner, "history")))
    assert "en mars 2001" in page and "de 1995 au 1er septembre 2003" in page


@pytest.mark.parametrize(("typed", "fr", "en"), [
    ("05/2019", "Fait en mai 2019", "Given in May 2019"),
    ("2016", "Fait en 2016", "Given in 2016"),
    ("02/03/2016", "Fait le 2 mars 2016", "Given on March 2, 2016"),
])
async def test_a_vaccination_from_the_booklet_reads_as_typed(owner, typed, fr, en):
    sent = await owner.client.post(url(owner, "vaccinations"),
                                   data=vaccination_form(owner, date=typed))
    assert sent.status_code == 303, text_of(sent)
    assert fr in text_of(await owner.client.get(url(owner, "vaccinations")))
    owner.client.cookies.set("carnet_lang", "en")
    assert en in text_of(await owner.client.get(url(owner, "vaccinations")))


async def test_the_edit_form_shows_a_partial_date_as_it_was_typed(owner):
    history = await added(owner, "history", {"kind": "CONDITION", "text": "Asthme",
                                             "onsetDate": "2005-01-01", "onsetPrecision": "YEAR"})
    vaccination = await added(owner, "vaccinations", {"vaccineCode": "MMR", "date": "2019-05-01",
                                                      "datePrecision": "MONTH"})
    page = await owner.client.get(url(owner, "history", f"/{history['id']}/edit"))
    assert 'name="onsetDate" type="text" value="2005"' in page.text
    page = await owner.client.get(url(owner, "vaccinations", f"/{vaccination['id']}/edit"))
    assert 'name="date" type="text" value="05/2019"' in page.text


async def test_a_month_before_the_birth_is_refused_but_the_birth_month_is_not(owner):
    sent = await owner.client.post(url(owner, "vaccinations"),
                                   data=vaccination_form(owner, date="05/1990"))
    assert sent.status_code == 400
    assert "Cette date est avant la naissance" in text_of(sent)
    assert 'value="05/1990"' in sent.text  # what was typed is kept
    sent = await owner.client.post(url(owner, "vaccinations"),
                                   data=vaccination_form(owner, date="juin 1990"))
    assert sent.status_code == 303


async def test_a_date_that_is_neither_a_day_a_month_nor_a_year_is_explained(owner):
    sent = await owner.client.post(url(owner, "history"),
                                   data=history_form(owner, onsetDate="13/2019"))
    assert sent.status_code == 400
    assert ("Indiquez une date comme 14/07/2021, un mois comme 05/2019 ou une année comme "
            "2005.") in text_of(sent)
    owner.client.cookies.set("carnet_lang", "en")
    sent = await owner.client.post(url(owner, "vaccinations"),
                                   data=vaccination_form(owner, date="spring 2019"))
    assert "Enter a date such as 14/07/2021, a month such as 05/2019" in text_of(sent)


async def test_the_printed_summary_gives_a_vaccination_month_as_typed(owner):
    await added(owner, "vaccinations", {"vaccineCode": "MMR", "date": "2019-05-01",
                                        "datePrecision": "MONTH"})
    page = text_of(await owner.client.get(url(owner, "summary")))
    assert "ROR (rougeole, oreillons, rubéole): mai 2019" in page and "1er mai" not in page
