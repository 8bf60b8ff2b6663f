"""The history, allergies, treatments and vaccinations pages: each lists its entries in words,
adds, changes and removes them with plain form posts and with htmx, shows the API's problems
next to the fields, and answers 404 for someone else's record."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from api.identity.models import Account
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed, added, own_page
from web.patient.entry_display import provenance

HTMX = {"HX-Request": "true"}
SAMPLES = {
    "history": {"kind": "CONDITION", "code": "J45.9", "text": "Asthme", "onsetDate": "2001-05-02"},
    "allergies": {"substance": "Arachide", "severity": "SEVERE", "criticality": "HIGH",
                  "reaction": "Gonflement des lèvres", "onsetDate": "2010-03-02"},
    "treatments": {"medication": "Salbutamol", "dose": "2 bouffées", "route": "inhalée",
                   "startDate": "2020-01-02"},
    "vaccinations": {"vaccineCode": "MMR", "date": "2016-03-02", "doseNumber": 2,
                     "lotNumber": "AB12"},
}


def url(owner: Signed, section: str, rest: str = "") -> str:
    return f"/records/{owner.patient.id}/{section}{rest}"


def text_of(response: object) -> str:
    """What the page says: its text without tags, entities or repeated spaces."""
    html: str = response.text  # type: ignore[attr-defined]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" .", ".")


@pytest.fixture
async def owner(client, settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


@pytest.mark.parametrize(("section", "expected"), [
    ("history", ["Asthme", "Maladie ou problème de santé", "depuis le 2 mai 2001", "en cours",
                 "Code CIM-10 J45.9"]),
    ("allergies", ["Arachide", "Réaction : Gonflement des lèvres", "Gravité : sévère",
                   "Risque élevé de réaction grave", "depuis le 2 mars 2010"]),
    ("treatments", ["Salbutamol", "2 bouffées · mode de prise : inhalée", "En cours",
                    "depuis le 2 janvier 2020"]),
    ("vaccinations", ["ROR (rougeole, oreillons, rubéole)", "Fait le 2 mars 2016",
                      "dose n° 2", "lot AB12"]),
])
async def test_each_section_page_lists_its_entries_in_plain_words(owner, section, expected):
    await added(owner, section, SAMPLES[section])
    page = await owner.client.get(url(owner, section))
    assert page.status_code == 200
    for words in expected:
        assert words in text_of(page), words
    assert "Ajouté par vous le " in text_of(page)
    assert f'href="{url(owner, section)}/' in page.text and '/edit"' in page.text


async def test_a_route_typed_with_its_own_word_shows_it_once(owner):
    # People type « voie orale » or « par la bouche »: the label must not repeat a word.
    for typed in ("voie orale", "Par la bouche"):
        await added(owner, "treatments", {**SAMPLES["treatments"], "route": typed})
    shown = text_of(await owner.client.get(url(owner, "treatments")))
    assert "mode de prise : voie orale" in shown and "mode de prise : Par la bouche" in shown
    assert "voie voie" not in shown and "voie Par" not in shown


async def test_a_coded_condition_is_named_in_the_viewers_language(owner, french_icd10):
    await added(owner, "history", SAMPLES["history"])
    assert "Code CIM-10 J45.9 : Asthme, sans précision" in text_of(
        await owner.client.get(url(owner, "history")))
    owner.client.cookies.set("carnet_lang", "en")
    assert "ICD-10 code J45.9: Asthma, unspecified" in text_of(
        await owner.client.get(url(owner, "history")))


async def test_a_vaccine_is_named_in_the_viewers_language(owner):
    await added(owner, "vaccinations", SAMPLES["vaccinations"])
    owner.client.cookies.set("carnet_lang", "en")
    page = await owner.client.get(url(owner, "vaccinations"))
    assert "MMR (measles, mumps, rubella)" in page.text and "Added by you on" in page.text


async def test_a_stopped_treatment_says_since_when_and_an_uncoded_illness_says_so(owner):
    await added(owner, "treatments", {"medication": "Amoxicilline", "startDate": "2024-06-01",
                                      "endDate": "2024-06-05"})
    await added(owner, "history", {"kind": "CONDITION", "text": "Entorse de la cheville"})
    treatments = text_of(await owner.client.get(url(owner, "treatments")))
    assert "Arrêté depuis le 5 juin 2024 (commencé le 1er juin 2024)" in treatments
    history = text_of(await owner.client.get(url(owner, "history")))
    assert "Entorse de la cheville" in history and "Non codé : décrit avec vos mots" in history


async def test_an_empty_section_says_so(owner):
    page = await owner.client.get(url(owner, "allergies"))
    assert "Aucune allergie n’est enregistrée." in page.text


async def test_a_long_list_is_paginated_with_a_link_to_older_entries(owner):
    for number in range(12):
        await added(owner, "allergies", {"substance": f"Substance {number:02d}"})
    first = await owner.client.get(url(owner, "allergies"))
    assert first.text.count('class="entry"') == 10 and "Substance 11" in first.text
    assert "Substance 01" not in first.text
    more = first.text.split('<p id="more"><a href="', 1)[1].split('"', 1)[0]
    assert "?after=" in more
    older = await owner.client.get(unescape(more))
    assert older.text.count('class="entry"') == 2 and "Substance 00" in older.text
    assert "Revenir aux plus récents" in older.text
    inline = await owner.client.get(unescape(more), headers=HTMX)
    assert "<html" not in inline.text and 'hx-swap-oob="beforeend:#entry-list"' in inline.text
    assert inline.text.lstrip().startswith('<p id="more"></p>')


async def test_a_made_up_cursor_starts_again_from_the_newest(owner):
    response = await owner.client.get(url(owner, "allergies", "?after=bm9wZQ"))
    assert response.status_code == 303 and response.headers["location"] == url(owner, "allergies")


def allergy_form(owner: Signed, **fields: str) -> dict[str, str]:
    return {"csrf_token": owner.csrf, "substance": "Pénicilline", "reaction": "Urticaire",
            "severity": "MODERATE", "criticality": "", "onsetDate": "2012-04-03", "note": "",
            **fields}


async def test_adding_without_javascript_redirects_to_the_list_and_its_notice(owner):
    sent = await owner.client.post(url(owner, "allergies"), data=allergy_form(owner))
    assert sent.status_code == 303
    assert sent.headers["location"] == url(owner, "allergies", "?done=added#entries-status")
    page = await owner.client.get(sent.headers["location"])
    notice = page.text.split('<div id="entries-status" role="status"', 1)[1]
    assert notice.split("</div>", 1)[0].endswith('<p class="notice">Allergie ajoutée.</p>')
    assert "Pénicilline" in page.text and "Gravité : modérée" in text_of(page)
    [saved] = (await own_page(owner, "allergies"))["items"]
    assert (saved["substance"], saved["severity"], saved["onsetDate"]) == (
        "Pénicilline", "MODERATE", "2012-04-03")


async def test_adding_with_htmx_returns_a_blank_form_the_new_entry_and_an_announcement(owner):
    sent = await owner.client.post(url(owner, "allergies"), data=allergy_form(owner),
                                   headers=HTMX)
    assert sent.status_code == 200 and "<html" not in sent.text
    assert sent.text.lstrip().startswith('<form method="post"')
    assert 'name="substance" type="text" value=""' in sent.text
    entry = sent.text.split('<div hx-swap-oob="afterbegin:#entry-list">', 1)[1]
    assert "<h2>Pénicilline</h2>" in entry and "autofocus" in entry.split("<h2>")[0]
    assert ('<div hx-swap-oob="innerHTML:#entries-status"><p class="notice">'
            "Allergie ajoutée.</p></div>") in sent.text


async def test_a_problem_is_shown_next_to_its_field_with_status_400(owner):
    sent = await owner.client.post(url(owner, "allergies"),
                                   data=allergy_form(owner, substance="", onsetDate="2099-01-01"))
    assert sent.status_code == 400
    page = unescape(sent.text)
    assert '<p class="error" id="a-substance-error">Ce champ est obligatoire.</p>' in page
    assert "Cette date est dans le futur" in page.split('id="a-onsetDate-error">', 1)[1][:60]
    assert 'role="alert"' in page and '<a href="#a-substance">' in page
    assert 'action="/records/' in page and '/allergies#a-errors"' in page
    assert 'aria-invalid="true" ' not in page and 'aria-describedby="a-substance-hint ' \
        'a-substance-error" aria-invalid="true"' in page
    assert (await own_page(owner, "allergies"))["totalCount"] == 0


async def test_with_htmx_the_problems_come_back_in_the_form_fragment(owner):
    sent = await owner.client.post(url(owner, "allergies"), headers=HTMX,
                                   data=allergy_form(owner, substance=""))
    assert sent.status_code == 400 and "<html" not in sent.text
    assert sent.text.lstrip().startswith('<form method="post"') and 'role="alert"' in sent.text
    assert "Ce champ est obligatoire." in sent.text


async def test_problems_are_written_in_english_for_an_english_reader(owner):
    owner.client.cookies.set("carnet_lang", "en")
    sent = await owner.client.post(url(owner, "treatments"), data={
        "csrf_token": owner.csrf, "medication": "", "startDate": "14/07/2021",
        "endDate": "2021-07-01"})
    assert sent.status_code == 400
    assert "This field is required." in sent.text
    assert "The end date is before the start date." in sent.text


async def test_a_date_the_browser_did_not_check_is_caught_by_the_page(owner):
    sent = await owner.client.post(url(owner, "allergies"),
                                   data=allergy_form(owner, onsetDate="31/02/2020"))
    assert sent.status_code == 400 and "Indiquez une date comme 14/07/2021." in sent.text


async def test_changing_a_treatment_without_javascript(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    edit = url(owner, "treatments", f"/{entry['id']}/edit")
    page = await owner.client.get(edit)
    assert page.status_code == 200 and "<h1>Modifier un traitement</h1>" in page.text
    assert 'name="medication" type="text" value="Salbutamol"' in page.text
    assert 'name="startDate" type="text" value="02/01/2020"' in page.text
    assert "hx-post" not in page.text.split('id="e', 1)[1].split(">", 1)[0]
    sent = await owner.client.post(edit, data={
        "csrf_token": owner.csrf, "medication": "Salbutamol", "dose": "1 bouffée",
        "route": "inhalée", "startDate": "2020-01-02", "endDate": "", "prescriber": "",
        "note": ""})
    assert sent.status_code == 303
    assert sent.headers["location"] == url(owner, "treatments", "?done=updated#entries-status")
    [saved] = (await own_page(owner, "treatments"))["items"]
    assert saved["dose"] == "1 bouffée"


async def test_changing_with_htmx_swaps_the_entry_for_its_form_and_back(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    base = url(owner, "treatments", f"/{entry['id']}")
    form = await owner.client.get(f"{base}/edit", headers=HTMX)
    assert form.text.lstrip().startswith(f'<li id="entry-{entry["id"]}"')
    assert f'hx-post="{base}/edit" hx-target="#entry-{entry["id"]}"' in form.text
    assert "autofocus" in form.text and f'hx-get="{base}"' in form.text  # cancel
    cancelled = await owner.client.get(base, headers=HTMX)
    assert "<h2>Salbutamol</h2>" in cancelled.text and "autofocus>Modifier</a>" in cancelled.text
    sent = await owner.client.post(f"{base}/edit", headers=HTMX, data={
        "csrf_token": owner.csrf, "medication": "Salbutamol", "dose": "", "route": "",
        "startDate": "2020-01-02", "endDate": "2021-03-04"})
    assert sent.status_code == 200 and "Arrêté depuis le 4 mars 2021" in text_of(sent)
    assert "Traitement modifié." in sent.text and "Modifié par vous" not in sent.text[:10]


async def test_a_change_with_a_problem_stays_on_the_edit_form(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    edit = url(owner, "treatments", f"/{entry['id']}/edit")
    data = {"csrf_token": owner.csrf, "medication": "Salbutamol", "startDate": "2020-01-02",
            "endDate": "2019-01-01"}
    sent = await owner.client.post(edit, data=data)
    assert sent.status_code == 400 and "<h1>Modifier un traitement</h1>" in sent.text
    assert f'id="e{entry["id"]}-endDate-error">La date de fin est avant' in sent.text
    inline = await owner.client.post(edit, data=data, headers=HTMX)
    assert inline.status_code == 400 and inline.text.lstrip().startswith("<li")
    assert 'role="alert"' in inline.text


async def test_removing_asks_first_then_removes_without_javascript(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    remove = url(owner, "treatments", f"/{entry['id']}/remove")
    page = await owner.client.get(remove)
    assert "<h1>Supprimer ce traitement\u202f?</h1>" in page.text
    assert f'<form method="post" action="{remove}"' in page.text
    sent = await owner.client.post(remove, data={"csrf_token": owner.csrf})
    assert sent.headers["location"] == url(owner, "treatments", "?done=removed#entries-status")
    assert (await own_page(owner, "treatments"))["totalCount"] == 0
    again = await owner.client.post(remove, data={"csrf_token": owner.csrf})
    assert again.status_code == 404


async def test_removing_with_htmx_asks_in_place_and_announces_it(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    remove = url(owner, "treatments", f"/{entry['id']}/remove")
    question = await owner.client.get(remove, headers=HTMX)
    assert "Supprimer ce traitement\u202f?" in question.text
    assert f'hx-post="{remove}"' in question.text
    sent = await owner.client.post(remove, data={"csrf_token": owner.csrf}, headers=HTMX)
    assert 'class="entry entry-removed" tabindex="-1" autofocus>Traitement supprimé.' in sent.text
    assert 'hx-swap-oob="innerHTML:#entries-status"' in sent.text


@pytest.mark.parametrize("rest", ["", "/1/edit", "/1/remove"])
async def test_posts_without_the_csrf_token_are_refused(owner, rest):
    await added(owner, "allergies", SAMPLES["allergies"])
    sent = await owner.client.post(url(owner, "allergies", rest), data={"substance": "Latex"})
    assert sent.status_code == 403
    assert (await own_page(owner, "allergies"))["items"][0]["substance"] == "Arachide"


@pytest.mark.parametrize("section", sorted(SAMPLES))
async def test_someone_elses_record_is_not_found(owner, client, settings, section):
    stranger = await make_patient(first_names="Paule", birth_name="ORSINI")
    theirs = Signed(client, await sign_in(client, await Account.get(id=stranger.account_id),
                                          settings.secret_key), await Account.get(
        id=stranger.account_id), stranger)
    entry = await added(theirs, section, SAMPLES[section])
    await sign_in(client, owner.account, settings.secret_key)
    assert (await client.get(url(theirs, section))).status_code == 404
    sent = await client.post(url(theirs, section), data={"csrf_token": owner.csrf})
    assert sent.status_code == 404
    for rest in ("/edit", "/remove"):
        mine = url(owner, section, f"/{entry['id']}{rest}")
        assert (await client.get(mine)).status_code == 404
        assert (await client.post(mine, data={"csrf_token": owner.csrf})).status_code == 404


async def test_a_confidential_entry_says_so_and_the_form_offers_no_checkbox(owner):
    await added(owner, "allergies", {**SAMPLES["allergies"], "confidentialForMinor": True})
    page = await owner.client.get(url(owner, "allergies"))
    assert "Confidentiel\u202f: masqué aux parents" in page.text
    assert 'type="checkbox"' not in page.text


async def test_a_parent_adds_to_the_childs_record(client, settings):
    parent = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Léo", birth_name="MARTIN",
                               birth_date=date(2015, 3, 2), guardian=account)
    csrf = await sign_in(client, account, settings.secret_key)
    sent = await client.post(f"/records/{child.id}/vaccinations", data={
        "csrf_token": csrf, "vaccine": "ROR", "date": "2021-05-06"})
    assert sent.status_code == 303
    page = await client.get(f"/records/{child.id}/vaccinations")
    assert "Léo MARTIN" in page.text and "Ajouté par vous le " in text_of(page)


def test_provenance_names_a_doctor_a_nurse_and_the_viewer():
    def author(name: str, role: str, profession: str | None = None) -> dict[str, object]:
        return {"name": name, "role": role, "profession": profession}

    record = {"createdAt": "2026-03-03T09:00:00+00:00", "updatedAt": "2026-03-05T23:30:00+00:00",
              "createdBy": author("Sophie BERNARD", "professional", "physician"),
              "updatedBy": author("Camille MARTIN", "patient")}
    assert provenance(record, "Camille MARTIN", "fr") == (
        "Ajouté par Dr Sophie BERNARD le 3 mars 2026. Modifié par vous le 6 mars 2026.")
    record = {**record, "updatedAt": record["createdAt"],
              "createdBy": author("Marc PETIT", "professional", "nurse")}
    assert provenance(record, "Camille MARTIN", "en") == (
        "Added by Marc PETIT, nurse on March 3, 2026.")


async def test_a_history_restore_gets_the_whole_page_and_answers_vary_on_htmx(owner):
    entry = await added(owner, "treatments", SAMPLES["treatments"])
    edit = url(owner, "treatments", f"/{entry['id']}/edit")
    fragment = await owner.client.get(edit, headers=HTMX)
    restored = await owner.client.get(edit, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" not in fragment.text
    assert restored.status_code == 200
    assert restored.text.lstrip().lower().startswith("<!doctype html>")
    assert "<title>" in restored.text and 'name="medication"' in restored.text
    for response in (fragment, restored):
        assert "HX-Request" in response.headers["Vary"]
