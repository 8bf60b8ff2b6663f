"""The professional's side in a real browser: Dr BERNARD deposits a prescription held back
until she has seen the patient (without JavaScript), then releases it; Dr HADDAD, emergency
physician, opens emergency access and sees the time left.

The deposit goes to Léo, Camille's son (record 2), so Camille sees it as his mother; the
journey deletes it afterwards, so the demo records stay as the other browser tests expect.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from api.records.documents.samples import pdf

pytestmark = pytest.mark.browser

LEO_INS, LEO_BORN = "115037505604572", "02/03/2015"
JEAN_INS, JEAN_BORN = "158016912301295", "21/01/1958"
LEO_DOCUMENTS = "/records/2/documents"
TITLE = "Ordonnance à expliquer (parcours)"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


async def _context(browser: Any, states: dict[str, Any], role: str, *,
                   javascript: bool = True) -> Any:
    return await browser.new_context(locale="fr-FR", storage_state=states[role],
                                     java_script_enabled=javascript)


async def _put_back(context: Any, base_url: str) -> None:
    """Camille deletes the journey's document from Léo's record, if it is there."""
    listing = await (await context.request.get(base_url + LEO_DOCUMENTS)).text()
    token = _CSRF_FIELD.search(listing)
    assert token, "the documents page has no CSRF field"
    for number in re.findall(rf'<a href="{LEO_DOCUMENTS}/(\d+)">{re.escape(TITLE)}</a>',
                             listing):
        await context.request.post(f"{base_url}{LEO_DOCUMENTS}/{number}/delete",
                                   form={"csrf_token": token.group(1)})


@pytest.fixture
async def camille(browser: Any, live_server: str,
                  signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await _context(browser, signed_in_states, "patient")
    tab = await context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    await _put_back(context, live_server)
    await context.close()


async def _leo_titles(camille: Any, base_url: str) -> str:
    await camille.goto(base_url + LEO_DOCUMENTS)
    return str(await camille.locator("main").inner_text())


async def test_dr_bernard_deposits_a_held_back_prescription_then_releases_it(
        browser: Any, live_server: str, signed_in_states: dict[str, Any], camille: Any) -> None:
    context = await _context(browser, signed_in_states, "professional", javascript=False)
    try:
        bernard = await context.new_page()
        bernard.set_default_timeout(15000)
        await bernard.goto(live_server + "/pro/deposit")
        await bernard.get_by_label("INS (15 caractères)").fill(LEO_INS)
        await bernard.get_by_label("Date de naissance (jj/mm/aaaa)").fill(LEO_BORN)
        await bernard.get_by_role("button", name="Continuer").click()
        await bernard.get_by_role("heading", name="Étape 2 sur 2 : le document").wait_for()
        await bernard.get_by_label("Fichier").set_input_files(files=[{
            "name": "ordonnance.pdf", "mimeType": "application/pdf",
            "buffer": pdf("Ordonnance", ["Amoxicilline 500 mg, 3 fois par jour"])}])
        await bernard.get_by_label("Titre").fill(TITLE)
        await bernard.get_by_label("Type de document").select_option("57833-6")
        await bernard.get_by_label("Le retenir jusqu'à ce que j'aie vu le patient").check()
        await bernard.get_by_role("button", name="Déposer le document").click()
        await bernard.wait_for_url(re.compile(r"/pro/deposit/done"))
        assert "déposé et retenu" in await bernard.locator("main").inner_text()

        # Held back: Léo's mother does not see it.
        assert TITLE not in await _leo_titles(camille, live_server)

        await bernard.goto(live_server + "/pro/deposit")
        mine = bernard.locator("#my-deposits")
        assert "retenu, visible de lui-même le" in await mine.inner_text()
        await mine.get_by_role("button", name=f"Libérer « {TITLE} » : j'ai vu le patient").click()
        await bernard.wait_for_url(re.compile(r"/pro/deposit\?done=released"))
        assert "Le document est libéré" in await bernard.locator("main").inner_text()

        # Released: she sees it now.
        assert TITLE in await _leo_titles(camille, live_server)
    finally:
        await context.close()


async def test_dr_haddad_opens_emergency_access_and_sees_the_time_left(
        browser: Any, live_server: str, signed_in_states: dict[str, Any]) -> None:
    context = await _context(browser, signed_in_states, "emergency")
    try:
        haddad = await context.new_page()
        haddad.set_default_timeout(15000)
        await haddad.goto(live_server + "/pro/deposit")
        await haddad.get_by_role("link", name="Accès d'urgence").click()
        await haddad.wait_for_url(re.compile(r"/pro/emergency$"))
        assert "seront prévenus" in await haddad.locator("main").inner_text()
        await haddad.get_by_label("INS (15 caractères)").fill(JEAN_INS)
        await haddad.get_by_label("Date de naissance (jj/mm/aaaa)").fill(JEAN_BORN)
        await haddad.get_by_label("Motif").fill("Malaise sur la voie publique, patient confus")
        await haddad.get_by_role("button", name="Ouvrir l'accès d'urgence pour 4 heures").click()
        await haddad.get_by_role("heading", name="Accès d'urgence ouvert", exact=True).wait_for()
        text = await haddad.locator("main").inner_text()
        assert re.search(r"pendant 4 heures, de \d\d:\d\d à \d\d:\d\d", text)
        assert re.search(r"Temps restant\u202f: (4 h 00|3 h 59) min", text)
        link = await haddad.get_by_role("link", name="Ouvrir le dossier").get_attribute("href")
        assert re.fullmatch(r"/pro/records/\d+", link or "")
    finally:
        await context.close()
