"""The "find a professional" page: name, RPPS number, profession and city, without JavaScript."""

from __future__ import annotations

from tests.factories import make_professional
from tests.identity.directory_support import entry
from tests.web.patient.sharing_support import signed_in_owner, text_of
from web.i18n import LANGUAGE_COOKIE


async def test_the_form_offers_every_criterion_with_a_label(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    page = await owner.get(owner.url("/sharing/find"))
    assert page.status_code == 200
    for field, label in (("search", "Nom"), ("rpps", "Numéro RPPS"),
                         ("profession", "Profession"), ("city", "Ville")):
        assert f'<label for="f-{field}">{label}</label>' in page.text
        assert f'id="f-{field}" name="{field}"' in page.text
    assert "required" not in page.text.split('id="f-search"')[1].split(">")[0]


async def test_a_professional_is_found_by_rpps_alone(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    await entry("99000000011", "LEFÈVRE", "Éloïse", "physician", "Saint-Étienne")
    await entry("99000000029", "DUBOIS", "Jean", "nurse", "Lyon")
    text = text_of(await owner.get(owner.url("/sharing/find?search=&rpps=99000000011")))
    assert "1 professionnel trouvé" in text and "Éloïse LEFÈVRE" in text
    assert "RPPS 99000000011" in text and "DUBOIS" not in text


async def test_profession_and_city_need_no_name(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    await entry("99000000011", "LEFÈVRE", "Éloïse", "physician", "Saint-Étienne")
    await entry("99000000029", "DUBOIS", "Jean", "physician", "Lyon")
    found = await owner.get(owner.url(
        "/sharing/find?search=&rpps=&profession=physician&city=saint+etienne"))
    text = text_of(found)
    assert "1 professionnel trouvé" in text and "LEFÈVRE" in text and "DUBOIS" not in text


async def test_someone_not_on_carnet_can_be_blocked_but_not_chosen(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    doctor = await entry("99000000011", "LEFÈVRE", "Éloïse")
    on_carnet = await make_professional("physician", last_name="LEFORT")
    page = await owner.get(owner.url("/sharing/find?search=lef"))
    text = text_of(page)
    assert "pas encore sur Carnet" in text
    assert "Éloïse LEFÈVRE n'a pas encore de compte Carnet" in text
    assert f"/grant/{doctor.id}" not in page.text
    assert f"/block?professional={doctor.id}" in page.text
    assert f"/grant/{on_carnet.id}" in page.text
    assert "Choisir Éloïse LEFÈVRE comme médecin traitant" not in text


async def test_an_empty_search_says_to_fill_in_a_field(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    page = await owner.get(owner.url("/sharing/find?search=&rpps=&profession=&city="))
    assert page.status_code == 400
    assert ('<p class="error" id="e-form" role="alert">Remplissez au moins un champ\u202f: un nom, '
            "un numéro RPPS, une profession ou une ville.</p>") in page.text


async def test_a_bad_rpps_is_shown_next_to_its_field(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    page = await owner.get(owner.url("/sharing/find?rpps=12ab"))
    assert page.status_code == 400
    assert '<p class="error" id="e-rpps">Tapez les chiffres du numéro RPPS' in page.text
    assert 'aria-invalid="true" aria-describedby="e-rpps"' in page.text


async def test_the_page_speaks_english_to_an_english_speaker(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    client.cookies.set(LANGUAGE_COOKIE, "en")
    await entry("99000000011", "LEFÈVRE", "Éloïse")
    text = text_of(await owner.get(owner.url("/sharing/find?rpps=990")))
    assert "RPPS number" in text and "1 professional found" in text
    assert "not on Carnet yet" in text
