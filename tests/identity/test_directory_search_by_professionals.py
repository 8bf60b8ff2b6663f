"""Professionals search the directory too (a colleague to write to, to refer a patient to):
the same criteria, alone or together, accents and case ignored."""

from __future__ import annotations

import pytest

from tests.consent.support import session
from tests.factories import make_professional
from tests.identity.directory_support import SEARCH, entry, names


@pytest.fixture
async def colleague_search(client, settings, db):  # type: ignore[no-untyped-def]
    await entry("99000000011", "LEFÈVRE", "Éloïse", "physician", "Saint-Étienne")
    await entry("99000000029", "LEFEBVRE", "Jean", "nurse", "Lyon")
    await entry("99100000045", "DUBOIS", "Éloi", "emergency_physician", "Lyon")
    return await session(client, settings, await make_professional("nurse", last_name="ZED",
                                                                   city="Brest"))


@pytest.mark.parametrize(("criteria", "expected"), [
    ({"search": "LEFEVRE"}, ["LEFÈVRE Éloïse"]),
    ({"search": "éloi"}, ["DUBOIS Éloi", "LEFÈVRE Éloïse"]),
    ({"rpps": "99100000045"}, ["DUBOIS Éloi"]),
    ({"profession": "EMERGENCY_PHYSICIAN"}, ["DUBOIS Éloi"]),
    ({"city": "SAINT ETIENNE"}, ["LEFÈVRE Éloïse"]),
    ({"search": "le", "city": "lyon"}, ["LEFEBVRE Jean"]),
    ({"rpps": "990", "profession": "PHYSICIAN", "city": "saint"}, ["LEFÈVRE Éloïse"]),
])
async def test_a_professional_finds_colleagues_by_each_criterion_and_by_several(
        colleague_search, criteria, expected):
    body = await colleague_search(SEARCH, **criteria)
    assert "errors" not in body, body
    assert names(body) == expected
