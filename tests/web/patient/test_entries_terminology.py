"""Coded fields: suggestions while typing (htmx), and words resolved to a code on submit
without JavaScript (exact code, exact label, the one match, or a choice among candidates)."""

from __future__ import annotations

from html import unescape

import pytest

from api.identity.models import Account
from api.interop.terminology import icd10
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed, added, own_page

HTMX = {"HX-Request": "true"}
ROR = "ROR (rougeole, oreillons, rubéole)"


@pytest.fixture
async def owner(client, settings) -> Signed:
    patient = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


def suggest_url(owner: Signed, system: str, words: str) -> str:
    return f"/records/{owner.patient.id}/terminology?system={system}&form=a&q={words}"


async def test_typing_covid_suggests_the_three_covid_vaccines_and_says_how_many(owner):
    answer = await owner.client.get(suggest_url(owner, "vaccine", "covid"), headers=HTMX)
    assert answer.status_code == 200 and "<html" not in answer.text
    assert answer.text.count('<li><button type="button" class="entry-option"') == 3
    assert "COVID-19 (ARN messager)" in answer.text
    assert "&amp;code=COVID19-MRNA" in answer.text
    assert ('<div hx-swap-oob="innerHTML:#a-vaccine-count">3 suggestions ci-dessous\u202f: appuyez '
            "sur Tab pour les atteindre.</div>") in unescape(answer.text)


async def test_the_suggestions_read_the_typed_field_when_htmx_sends_it_by_name(owner):
    base = f"/records/{owner.patient.id}/terminology?system=icd10&form=e12"
    answer = await owner.client.get(f"{base}&condition=J45.9", headers=HTMX)
    assert icd10.lookup("J45.9").label_fr in unescape(answer.text)
    assert 'hx-target="#e12-condition-options"' in answer.text


async def test_condition_suggestions_are_in_the_viewers_language(owner, french_icd10):
    answer = await owner.client.get(suggest_url(owner, "icd10", "asthme"), headers=HTMX)
    assert ">Asthme, sans précision</button>" in unescape(answer.text)
    owner.client.cookies.set("carnet_lang", "en")
    answer = await owner.client.get(suggest_url(owner, "icd10", "asthme"), headers=HTMX)
    assert ">Asthma, unspecified</button>" in unescape(answer.text)


async def test_nothing_matching_a_condition_says_the_words_are_kept(owner):
    answer = await owner.client.get(suggest_url(owner, "icd10", "entorse au ski"), headers=HTMX)
    assert "<button" not in answer.text
    assert "vos mots seront gardés tels quels (non codé)" in unescape(answer.text)


@pytest.mark.parametrize("query", ["system=loinc&form=a&q=x", "system=vaccine&form=zz&q=x",
                                   "system=vaccine&form=a\"&q=x"])
async def test_an_unknown_system_or_form_is_not_found(owner, query):
    answer = await owner.client.get(f"/records/{owner.patient.id}/terminology?{query}")
    assert answer.status_code == 404


async def test_suggestions_need_a_signed_in_patient(client):
    answer = await client.get("/records/1/terminology?system=vaccine&form=a&q=ror")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


async def test_picking_a_suggestion_fills_the_field_and_its_hidden_code(owner):
    answer = await owner.client.get(
        f"/records/{owner.patient.id}/terminology/pick?system=vaccine&form=a&code=MMR",
        headers=HTMX)
    page = unescape(answer.text)
    assert f'<input id="a-vaccine" name="vaccine" type="text" value="{ROR}"' in page
    assert 'hx-swap-oob="true" autofocus' in page
    assert '<input type="hidden" name="vaccineCode" value="MMR">' in page
    assert f'<input type="hidden" name="vaccineFor" value="{ROR}">' in page
    assert f"Choisi\u202f: {ROR}" in page


def vaccination(owner: Signed, words: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": owner.csrf, "vaccine": words, "date": "2020-10-20", **fields}


@pytest.mark.parametrize(("words", "code"), [
    ("MMR", "MMR"),  # the code itself
    ("Grippe saisonnière (inactivé)", "INFLUENZA"),  # the exact label
    ("grippe", "INFLUENZA"),  # the one search result
])
async def test_a_vaccine_typed_without_javascript_is_resolved(owner, words, code):
    sent = await owner.client.post(f"/records/{owner.patient.id}/vaccinations",
                                   data=vaccination(owner, words))
    assert sent.status_code == 303
    [saved] = (await own_page(owner, "vaccinations"))["items"]
    assert saved["vaccineCode"] == code


async def test_several_matching_vaccines_are_offered_as_a_choice(owner):
    page = f"/records/{owner.patient.id}/vaccinations"
    sent = await owner.client.post(page, data=vaccination(owner, "covid"))
    assert sent.status_code == 400
    html = unescape(sent.text)
    assert "Plusieurs éléments de la liste correspondent à ces mots" in html
    assert "<legend>Lequel voulez-vous dire\u202f?</legend>" in html
    assert html.count('type="radio" id="a-vaccine-c') == 3
    assert '<input type="hidden" name="vaccineFor" value="covid">' in html
    chosen = await owner.client.post(page, data=vaccination(
        owner, "covid", vaccineCode="COVID19-PROTEIN", vaccineFor="covid"))
    assert chosen.status_code == 303
    [saved] = (await own_page(owner, "vaccinations"))["items"]
    assert saved["vaccineCode"] == "COVID19-PROTEIN"


async def test_an_unknown_vaccine_is_explained(owner):
    sent = await owner.client.post(f"/records/{owner.patient.id}/vaccinations",
                                   data=vaccination(owner, "xyzzy"))
    assert sent.status_code == 400
    assert "Aucun vaccin de la liste ne correspond à ces mots" in unescape(sent.text)


async def test_a_code_picked_earlier_no_longer_counts_once_the_words_changed(owner):
    sent = await owner.client.post(f"/records/{owner.patient.id}/vaccinations", data=vaccination(
        owner, "grippe", vaccineCode="MMR", vaccineFor=ROR))
    assert sent.status_code == 303
    [saved] = (await own_page(owner, "vaccinations"))["items"]
    assert saved["vaccineCode"] == "INFLUENZA"


def history(owner: Signed, words: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": owner.csrf, "kind": "CONDITION", "condition": words, **fields}


@pytest.mark.parametrize(("words", "code", "text"), [
    ("j45.9", "J45.9", None),  # a code, in any spelling
    ("Entorse de la cheville au ski", None, "Entorse de la cheville au ski"),  # nothing fits
])
async def test_a_condition_is_coded_when_it_can_be_and_kept_in_words_otherwise(
        owner, words, code, text):
    sent = await owner.client.post(f"/records/{owner.patient.id}/history",
                                   data=history(owner, words))
    assert sent.status_code == 303
    [saved] = (await own_page(owner, "history"))["items"]
    assert (saved["code"], saved["text"]) == (code, text)


@pytest.mark.parametrize(("choice", "code", "text"), [
    ("I10", "I10", "hypertension"),
    ("-", None, "hypertension"),
])
async def test_an_ambiguous_condition_offers_candidates_or_keeping_the_words(
        owner, choice, code, text):
    page = f"/records/{owner.patient.id}/history"
    sent = await owner.client.post(page, data=history(owner, "hypertension"))
    assert sent.status_code == 400
    html = unescape(sent.text)
    assert 'value="I10"' in html
    assert "Aucun de ceux-ci\u202f: garder mes mots tels quels (non codé)" in html
    chosen = await owner.client.post(page, data=history(
        owner, "hypertension", conditionCode=choice, conditionFor="hypertension"))
    assert chosen.status_code == 303
    [saved] = (await own_page(owner, "history"))["items"]
    assert (saved["code"], saved["text"]) == (code, text)


async def test_editing_an_uncoded_entry_keeps_it_uncoded_without_asking_again(owner):
    entry = await added(owner, "history", {"kind": "CONDITION", "text": "hypertension"})
    edit = f"/records/{owner.patient.id}/history/{entry['id']}/edit"
    form = unescape((await owner.client.get(edit)).text)
    assert '<input type="hidden" name="conditionCode" value="-">' in form
    sent = await owner.client.post(edit, data=history(
        owner, "hypertension", conditionCode="-", conditionFor="hypertension",
        onsetDate="2019-04-01"))
    assert sent.status_code == 303
    [saved] = (await own_page(owner, "history"))["items"]
    assert (saved["code"], saved["onsetDate"]) == (None, "2019-04-01")


async def test_a_candidate_picked_in_the_browser_is_not_overridden_by_a_hidden_field(owner):
    page = f"/records/{owner.patient.id}/vaccinations"
    sent = await owner.client.post(page, data=vaccination(owner, "zona"))
    assert 'name="vaccineCode" value=""' not in sent.text  # only the radio buttons carry it
