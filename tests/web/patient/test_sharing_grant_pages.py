"""Sharing with a professional: the directory search (paginated, without JavaScript) and the
grant form, which offers only what the profession may ever read and says so in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api import clock
from tests.factories import make_professional
from tests.web.patient.sharing_support import (
    grant_form,
    granted,
    grants_of,
    signed_in_owner,
    text_of,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_granting_two_sections_without_javascript(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT")
    form = await owner.get(owner.url(f"/sharing/grant/{nurse.id}"))
    assert form.status_code == 200
    assert 'name="sections" value="ALLERGIES"' in form.text
    done = await owner.post(owner.url("/sharing/grant"),
                            grant_form(nurse, "ALLERGIES", "VACCINATIONS"))
    assert done.status_code == 303
    assert done.headers["location"] == owner.url("/sharing?done=granted")
    [grant] = await grants_of(owner)
    assert grant["status"] == "ACTIVE" and grant["sections"] == ["ALLERGIES", "VACCINATIONS"]
    assert grant["write"] is False
    shown = text_of(await owner.get(done.headers["location"]))
    assert "C'est fait : le professionnel peut maintenant voir ce que vous avez choisi." in shown
    assert "Voit : allergies et vaccinations. Ne peut rien modifier." in shown


async def test_granting_with_htmx_sends_the_browser_to_the_sharing_page(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    answer = await owner.post(owner.url("/sharing/grant"),
                              grant_form(nurse, "ALLERGIES", "MEASUREMENTS",
                                          access="write"), htmx=True)
    assert answer.status_code == 200
    assert answer.headers["hx-redirect"] == owner.url("/sharing?done=granted")
    [grant] = await grants_of(owner)
    assert grant["sections"] == ["ALLERGIES", "MEASUREMENTS"] and grant["write"] is True


async def test_the_grant_form_offers_only_what_the_profession_may_ever_read(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    dentist = await make_professional("dentist", last_name="MOREAU")
    page = await owner.get(owner.url(f"/sharing/grant/{dentist.id}"))
    text = text_of(page)
    assert 'value="DIRECTIVES"' not in page.text and 'value="HISTORY"' in page.text
    assert "Jamais accessibles à un·e chirurgien-dentiste : directives anticipées." in text
    assert ("Jamais, quoi que vous choisissiez : synthèse psychiatrique, bilan de santé et de "
            "prévention de l'enfant et bilan psychologique.") in text
    assert "cette personne peut ajouter ou corriger : antécédents, allergies" in text
    assert "En résumé" in text and "Les documents que vous avez masqués" in text


async def test_a_pharmacist_is_told_which_documents_they_would_read(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    pharmacist = await make_professional("pharmacist")
    text = text_of(await owner.get(owner.url(f"/sharing/grant/{pharmacist.id}")))
    assert "Seulement ces sortes de documents : prescriptions, dispensations" in text
    assert ("Jamais accessibles à un·e pharmacien ou pharmacienne : antécédents et "
            "directives") in text


async def test_the_grant_form_starts_from_the_current_access(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT")
    await granted(owner, nurse, ["TREATMENTS"], write=True)
    page = await owner.get(owner.url(f"/sharing/grant/{nurse.id}"))
    assert 'value="TREATMENTS" checked' in page.text and 'value="write" checked' in page.text
    assert "Ce que vous choisissez ici le remplace." in text_of(page)


async def test_granting_nothing_shows_the_problem_next_to_the_sections(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    refused = await owner.post(owner.url("/sharing/grant"), grant_form(nurse))
    assert refused.status_code == 400
    assert '<p class="error" id="e-sections">Choisissez au moins une rubrique à partager.</p>' \
        in refused.text
    assert 'role="alert"' in refused.text and 'href="#f-sections"' in refused.text
    in_place = await owner.post(owner.url("/sharing/grant"), grant_form(nurse), htmx=True)
    assert in_place.status_code == 400 and "<html" not in in_place.text
    assert in_place.text.lstrip().startswith('<div id="grant-form">')
    assert await grants_of(owner) == []


async def test_a_section_the_profession_never_reads_is_refused(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    dentist = await make_professional("dentist")
    refused = await owner.post(owner.url("/sharing/grant"),
                               grant_form(dentist, "ALLERGIES", "DIRECTIVES"))
    assert refused.status_code == 400
    assert "ne peut jamais voir : directives anticipées" in text_of(refused)
    assert await grants_of(owner) == []


@pytest.mark.parametrize(("expires", "message"), [
    ("2028-01-01", "Un accès dure un an au plus"),
    ("2026-03-01", "La date de fin est déjà passée"),
    ("01/02/2027", "Indiquez la date de fin avec le jour, le mois et l'année."),
])
async def test_an_end_date_out_of_bounds_is_shown_next_to_the_date(client, settings, expires,
                                                                    message):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    with clock.frozen_at(NOW):
        refused = await owner.post(owner.url("/sharing/grant"),
                                   grant_form(nurse, "ALLERGIES", expires=expires))
    assert refused.status_code == 400
    error = refused.text.split('<p class="error" id="e-expires">')[1].split("</p>")[0]
    assert message in error.replace("&#39;", "'")
    assert 'aria-invalid="true"' in refused.text


async def test_an_end_date_within_the_year_is_kept_to_the_end_of_that_day(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    with clock.frozen_at(NOW):
        await owner.post(owner.url("/sharing/grant"),
                         grant_form(nurse, "ALLERGIES", expires="2026-06-30"))
        text = text_of(await owner.get(owner.url("/sharing")))
    assert "Jusqu'au 30 juin 2026." in text


async def test_the_grant_page_of_an_unknown_professional_is_not_found(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    assert (await owner.get(owner.url("/sharing/grant/999999"))).status_code == 404


async def test_the_directory_search_works_without_javascript(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT", city="Lyon")
    await make_professional("physician", last_name="PETITJEAN", city="Paris")
    page = await owner.get(owner.url("/sharing/find?search=petit&profession=nurse&city="))
    assert page.status_code == 200
    text = text_of(page)
    assert "1 professionnel trouvé" in text and "PETITJEAN" not in text
    assert f'href="{owner.url("/sharing")}/grant/{nurse.id}"' in page.text
    assert "Bloquer Test PETIT" in text and "médecin traitant" not in text.split("trouvé")[1]
    both = text_of(await owner.get(owner.url("/sharing/find?search=petit")))
    assert "2 professionnels trouvés" in both
    assert "Choisir Test PETITJEAN comme médecin traitant" in both


async def test_the_directory_answers_ten_at_a_time(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    for n in range(12):
        await make_professional("nurse", last_name=f"DURAND{n:02d}")
    first = await owner.get(owner.url("/sharing/find?search=durand"))
    assert first.text.count("Choisir ce que") == 10
    assert "Premiers résultats" not in first.text
    link = first.text.split("Résultats suivants")[0].rsplit('href="', 1)[1].split('"')[0]
    second = await owner.get(link.replace("&amp;", "&"))
    assert second.text.count("Choisir ce que") == 2
    assert "Premiers résultats" in second.text and "Résultats suivants" not in second.text


async def test_a_search_too_short_is_shown_next_to_the_name(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    page = await owner.get(owner.url("/sharing/find?search=a"))
    assert page.status_code == 400
    assert '<p class="error" id="e-search">Tapez au moins 2 lettres du nom.</p>' in page.text


async def test_the_treating_doctor_is_not_offered_a_grant_they_do_not_need(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    doctor = await make_professional("physician", last_name="BERNARD")
    await owner.post(owner.url("/sharing/doctor"), {"professional": str(doctor.id)})
    page = await owner.get(owner.url("/sharing/find?search=bernard"))
    text = text_of(page)
    assert "votre médecin traitant" in text
    assert "Comme médecin traitant, Test BERNARD voit déjà toutes les rubriques." in text
    assert f"/grant/{doctor.id}" not in page.text and "comme médecin traitant" not in text
