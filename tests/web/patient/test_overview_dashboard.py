"""The overview as a small dashboard: one tile per section with its count and its latest
item, and what it costs the database (the same statements for one entry or many)."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import make_patient
from tests.querycount import count_queries
from tests.records.documents.helpers import make_document
from tests.web.patient.sharing_support import Person, person, text_of

ADD = {
    "history": ('mutation($p: ID!, $t: String!) { addHistoryEntry(input: {patientId: $p, '
                'kind: CONDITION, text: $t}) { userErrors { code } } }'),
    "allergy": ('mutation($p: ID!, $t: String!) { addAllergy(input: {patientId: $p, '
                'substance: $t}) { userErrors { code } } }'),
    "treatment": ('mutation($p: ID!, $t: String!) { addTreatment(input: {patientId: $p, '
                  'medication: $t}) { userErrors { code } } }'),
}
ADD_WEIGHT = ('mutation($p: ID!, $v: Float!, $at: DateTime!) { addMeasurement(input: '
              '{patientId: $p, kind: "weight", value: $v, measuredAt: $at}) '
              '{ userErrors { code } } }')
VACCINE = 'query { terminology(system: VACCINE, text: "ror", first: 1) { code } }'
ADD_VACCINATION = ('mutation($p: ID!, $c: String!) { addVaccination(input: {patientId: $p, '
                   'vaccineCode: $c, date: "2019-05-06"}) { userErrors { code } } }')


async def _fill(owner: Person, entries: int) -> None:
    """`entries` items in each section, the last one added named "… n°{entries}"."""
    assert owner.patient is not None
    patient_id = str(owner.patient.id)
    code = (await owner.ask(VACCINE))["data"]["terminology"][0]["code"]
    for n in range(1, entries + 1):
        for name, mutation in ADD.items():
            body = await owner.ask(mutation, p=patient_id, t=f"{name} n°{n}")
            assert not body.get("errors"), body
        body = await owner.ask(ADD_WEIGHT, p=patient_id, v=60.0 + n,
                               at=f"2026-01-{n:02d}T08:00:00+00:00")
        assert not body.get("errors"), body
        await owner.ask(ADD_VACCINATION, p=patient_id, c=code)
        await make_document(owner.patient, title=f"Compte rendu n°{n}")


async def _statements(client: Any, settings: Any, entries: int) -> int:
    owner = await person(client, settings.secret_key, await make_patient())
    await _fill(owner, entries)
    await owner.get(owner.url())  # warm the caches that are not per request
    with count_queries() as log:
        page = await owner.get(owner.url())
    assert page.status_code == 200
    return log.count


async def test_the_overview_costs_the_same_statements_for_one_or_many_entries(client, settings):
    one = await _statements(client, settings, 1)
    many = await _statements(client, settings, 4)
    print(f"overview page: {one} SQL statements with 1 entry per section, {many} with 4")
    assert one == many


def _words(html: str) -> str:
    """Text without tags, runs of ASCII white space folded (French spaces are kept)."""
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _tile(page_text: str, segment: str) -> str:
    """The text of the tile whose link leads to `segment`."""
    link = page_text.index(f'/{segment}">', page_text.index('<ul class="tiles">'))
    start = page_text.rindex('<li class="tile">', 0, link)
    return _words(page_text[start:page_text.index("</li>", start)])


async def test_each_tile_gives_the_sections_count_and_its_latest_item(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    await _fill(owner, 2)
    page = await owner.get(owner.url())
    assert page.status_code == 200
    tiles = {segment: _tile(page.text, segment) for segment in (
        "history", "allergies", "treatments", "vaccinations", "measurements", "documents")}
    assert tiles["history"] == "Antécédents 2 éléments Dernier antécédent\u202f: history n°2"
    assert tiles["allergies"] == "Allergies 2 éléments Dernière allergie\u202f: allergy n°2"
    assert tiles["treatments"].startswith(
        "Traitements 2 éléments Dernier traitement\u202f: treatment n°")
    assert tiles["vaccinations"].startswith("Vaccinations 2 éléments Dernière vaccination\u202f: ")
    assert tiles["measurements"] == "Mesures 2 éléments Dernière mesure\u202f: Poids 62\u00a0kg"
    assert tiles["documents"].startswith(
        "Documents 2 éléments Dernier document\u202f: Compte rendu")
    assert "Directives anticipées rien de renseigné" in text_of(page)
    assert "Messages Aucun message non lu" in text_of(page)
    assert page.text.count('aria-hidden="true" focusable="false"') >= 8  # one icon a tile


async def test_an_empty_record_shows_its_tiles_without_a_latest_item(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    page = await owner.get(owner.url())
    assert _tile(page.text, "allergies") == "Allergies 0 élément"
    assert 'class="tile-latest"' not in page.text


async def test_the_tiles_and_menus_speak_english_when_asked(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    await _fill(owner, 1)
    client.cookies.set("carnet_lang", "en")
    page = await owner.get(owner.url())
    client.cookies.delete("carnet_lang")
    assert _tile(page.text, "allergies") == "Allergies 1 entry Latest allergy: allergy n°1"
    text = text_of(page)
    assert "Section: Overview" in text and "Messages No unread message" in text


async def test_the_sections_menu_names_the_current_section_and_marks_its_link(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    page = await owner.get(owner.url("/allergies"))
    summary = page.text[page.text.index("<summary>"):page.text.index("</summary>")]
    assert _words(summary) == "Rubrique\u202f: Allergies"
    menu = page.text[page.text.index('<details class="menu section-menu">'):]
    assert f'<a href="{owner.url("/allergies")}" aria-current="page">Allergies</a>' in menu
    assert menu.count('aria-current="page"') == 1
