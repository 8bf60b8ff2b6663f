"""The `terminology` query: codes to pick from while typing, for signed-in viewers."""

import pytest

from api.identity.models import Account
from api.interop.terminology import icd10
from tests.factories import graphql, make_patient, sign_in

SEARCH = """
query($system: TerminologySystem!, $text: String!, $first: Int!) {
  terminology(system: $system, text: $text, first: $first) { code label system detail }
}
"""


@pytest.fixture
async def csrf(client, settings):
    patient = await make_patient()
    return await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)


async def _search(client, csrf, system, text, first=20):
    return await graphql(client, csrf, SEARCH, {"system": system, "text": text, "first": first})


async def test_an_icd10_code_prefix_finds_the_category_first(client, csrf):
    body = await _search(client, csrf, "ICD10", "J45", first=3)
    assert [c["code"] for c in body["data"]["terminology"]] == ["J45", "J45.0", "J45.1"]
    assert body["data"]["terminology"][0] == {"code": "J45", "label": icd10.lookup("J45").label_fr,
                                              "system": "ICD10", "detail": None}


async def test_icd10_labels_are_french_by_default_and_english_on_request(client, csrf,
                                                                         french_icd10):
    body = await _search(client, csrf, "ICD10", "asthme", first=1)
    assert body["data"]["terminology"][0]["label"] == "Asthme"
    client.cookies.set("carnet_lang", "en")
    body = await _search(client, csrf, "ICD10", "J45.9", first=1)
    assert body["data"]["terminology"][0]["label"] == "Asthma, unspecified"


async def test_a_word_of_a_vaccine_label_finds_it_in_french_by_default(client, csrf):
    body = await _search(client, csrf, "VACCINE", "rougeole")
    assert body["data"]["terminology"] == [{
        "code": "MMR", "label": "ROR (rougeole, oreillons, rubéole)", "system": "VACCINE",
        "detail": "rougeole, oreillons, rubéole"}]


async def test_labels_follow_the_viewers_language(client, csrf):
    client.cookies.set("carnet_lang", "en")
    body = await _search(client, csrf, "LOINC_MEASUREMENT", "poids")
    assert body["data"]["terminology"][0]["label"] == "Body weight"


async def test_first_limits_the_number_of_suggestions(client, csrf):
    body = await _search(client, csrf, "ICD10", "fracture", first=5)
    assert len(body["data"]["terminology"]) == 5


async def test_an_icd10_query_of_one_letter_suggests_nothing(client, csrf):
    body = await _search(client, csrf, "ICD10", "a")
    assert body["data"]["terminology"] == []


async def test_more_than_100_suggestions_are_refused(client, csrf):
    body = await _search(client, csrf, "VACCINE", "", first=101)
    assert body["errors"][0]["extensions"]["code"] == "BAD_PAGE_SIZE"


async def test_an_overlong_query_is_refused(client, csrf):
    body = await _search(client, csrf, "ICD10", "a" * 101)
    assert body["errors"][0]["extensions"]["code"] == "TEXT_TOO_LONG"


async def test_nobody_signed_in_cannot_search(client):
    response = await client.post("/graphql", json={
        "query": SEARCH, "variables": {"system": "VACCINE", "text": "ror", "first": 5}})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
