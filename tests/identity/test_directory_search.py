"""Searching the directory through GraphQL, as the sharing page does."""

from __future__ import annotations

import pytest

from tests.consent.support import codes, session
from tests.factories import make_patient, make_professional
from tests.identity.directory_support import SEARCH, entry, names
from tests.querycount import count_queries


async def _directory() -> None:
    await entry("99000000011", "LEFÈVRE", "Éloïse", "physician", "Saint-Étienne")
    await entry("99000000029", "LEFEBVRE", "Jean", "nurse", "Lyon")
    await entry("99000000037", "MARTIN-LEFÈVRE", "Anne", "dentist", "Lyon")
    await entry("99100000045", "DUBOIS", "Éloi", "physician", "Lyon")


@pytest.fixture
async def patient_search(client, settings, db):  # type: ignore[no-untyped-def]
    await _directory()
    return await session(client, settings, await make_patient())


@pytest.mark.parametrize(("criteria", "expected"), [
    ({"search": "lefevre"}, ["LEFÈVRE Éloïse", "MARTIN-LEFÈVRE Anne"]),
    ({"search": "ÉLOÏSE"}, ["LEFÈVRE Éloïse"]),
    ({"search": "elo"}, ["DUBOIS Éloi", "LEFÈVRE Éloïse"]),
    ({"search": "lef"}, ["LEFEBVRE Jean", "LEFÈVRE Éloïse", "MARTIN-LEFÈVRE Anne"]),
    ({"search": "efe"}, []),  # words match from their start, not in their middle
    ({"search": "lefevre anne"}, ["MARTIN-LEFÈVRE Anne"]),
    ({"rpps": "99000000029"}, ["LEFEBVRE Jean"]),
    ({"rpps": "991"}, ["DUBOIS Éloi"]),
    ({"rpps": "990 000"}, ["LEFEBVRE Jean", "LEFÈVRE Éloïse", "MARTIN-LEFÈVRE Anne"]),
    ({"profession": "PHYSICIAN"}, ["DUBOIS Éloi", "LEFÈVRE Éloïse"]),
    ({"city": "saint etienne"}, ["LEFÈVRE Éloïse"]),
    ({"city": "SAINT-ÉT"}, ["LEFÈVRE Éloïse"]),
    ({"city": "lyon", "profession": "PHYSICIAN"}, ["DUBOIS Éloi"]),
    ({"search": "lef", "city": "Lyon"}, ["LEFEBVRE Jean", "MARTIN-LEFÈVRE Anne"]),
    ({"search": "lef", "profession": "DENTIST", "city": "lyon"}, ["MARTIN-LEFÈVRE Anne"]),
    ({"rpps": "990", "city": "Paris"}, []),
])
async def test_patient_finds_professionals_by_each_criterion_and_by_several(
        patient_search, criteria, expected):
    body = await patient_search(SEARCH, **criteria)
    assert "errors" not in body, body
    assert names(body) == expected
    assert body["data"]["professionals"]["totalCount"] == len(expected)


@pytest.mark.parametrize(("criteria", "code"), [
    ({}, "NO_CRITERIA"),
    ({"search": "  ", "city": " - "}, "NO_CRITERIA"),
    ({"search": "é"}, "SEARCH_TOO_SHORT"),
    ({"rpps": "9"}, "BAD_RPPS"),
    ({"rpps": "99x"}, "BAD_RPPS"),
    ({"rpps": "990000000111"}, "BAD_RPPS"),
    ({"city": "lyon", "after": "not-a-cursor"}, "BAD_CURSOR"),
])
async def test_a_search_without_usable_criteria_says_why(patient_search, criteria, code):
    body = await patient_search(SEARCH, **criteria)
    assert codes(body) == [code]


async def test_the_directory_says_who_has_a_carnet_account(patient_search):
    await make_professional("nurse", last_name="LEFORT")
    body = await patient_search(SEARCH, search="lefort")
    assert [p["onCarnet"] for p in body["data"]["professionals"]["items"]] == [True]
    body = await patient_search(SEARCH, search="lefebvre")
    assert [p["onCarnet"] for p in body["data"]["professionals"]["items"]] == [False]


async def test_pages_follow_one_another_without_gaps_or_repeats(patient_search):
    seen: list[str] = []
    after = None
    while True:
        body = await patient_search(SEARCH, city="lyon", first=1, after=after)
        page = body["data"]["professionals"]
        seen += [p["rpps"] for p in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["99000000029", "99000000037", "99100000045"]
    assert len(seen) == len(set(seen))


async def test_a_search_costs_the_same_statements_whatever_the_page_size(patient_search):
    for n in range(30):
        await entry(f"98{n:09d}", f"LEGRAND{n}", "Paul")
    counts = []
    for size in (1, 10, 40):
        with count_queries() as log:
            body = await patient_search(SEARCH, search="legrand", first=size)
        assert len(body["data"]["professionals"]["items"]) == min(size, 30)
        counts.append(log.count)
    assert counts[0] == counts[1] == counts[2]


async def test_one_needs_to_be_signed_in_to_search(client, db):
    await _directory()
    response = await client.post("/graphql", json={"query": SEARCH,
                                                   "variables": {"search": "lefevre"}})
    body = response.json()
    assert body["data"]["professionals"] is None
