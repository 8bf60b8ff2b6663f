"""The demo nurse Marc PETIT reads what Camille MARTIN shared with him (her identity,
allergies, treatments and measurements, read only) and is refused the rest with a page that
says why and what Camille can do; he opens her record by INS and birth date, and a lookup
that opens nothing lands on the same page whatever the reason. With and without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.browser.signin import authenticator_code, password_step

pytestmark = pytest.mark.browser

NURSE = "inf.petit@demo.carnet.invalid"
CAMILLE_INS, CAMILLE_BORN = "295109912611193", "14/10/1995"
JEAN_INS, JEAN_BORN = "158016912301295", "21/01/1958"  # Jean DUPONT shares nothing with him
RECORD = "/pro/records/1"
SHARED = ("Allergies", "Traitements", "Mesures")
NOT_SHARED = {"history": "Antécédents", "vaccinations": "Vaccinations",
              "documents": "Documents", "directives": "Directives anticipées"}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def _signed_in_nurse(browser: Any, base: str, scripts: bool) -> Any:
    context = await browser.new_context(locale="fr-FR", java_script_enabled=scripts)
    tab = await context.new_page()
    await password_step(tab, base, NURSE)
    await tab.get_by_label("Code").fill(await authenticator_code(tab, base, NURSE))
    await tab.get_by_role("button", name="Se connecter").click()
    await tab.wait_for_url(re.compile(r"/pro$"))
    return tab


async def _no_axe_violation(tab: Any) -> None:
    results = await Axe().run(tab, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scripts", [True, False], ids=["htmx", "no-js"])
async def test_a_nurse_reads_only_what_her_grant_allows_and_is_told_why_not_the_rest(
    browser: Any, live_server: str, scripts: bool,
) -> None:
    tab = await _signed_in_nurse(browser, live_server, scripts)
    try:
        assert await tab.get_by_role("heading", level=1).inner_text() == "Mes patients"
        row = tab.locator(".pro-patients li").filter(has_text="Camille MARTIN")
        listed = await row.inner_text()
        assert "Allergies, Traitements, Mesures" in listed and "lecture seule" in listed

        await row.get_by_role("link", name="Camille MARTIN").click()
        await tab.wait_for_url(re.compile(RECORD + "$"))
        sections = tab.get_by_role("navigation", name="Rubriques du dossier")
        for label in SHARED:
            assert await sections.get_by_role("link", name=label, exact=True).count() == 1
        for label in NOT_SHARED.values():
            assert await sections.get_by_role("link", name=label, exact=True).count() == 0
        if scripts:  # axe runs in the page
            await _no_axe_violation(tab)

        await sections.get_by_role("link", name="Allergies", exact=True).click()
        await tab.wait_for_url(re.compile(RECORD + "/allergies$"))
        main = await tab.locator("main").inner_text()
        assert "Camille MARTIN" in main
        assert await tab.get_by_role("button", name="Ajouter une allergie").count() == 0
        assert await tab.get_by_role("link", name=re.compile("^Modifier")).count() == 0

        for segment, label in NOT_SHARED.items():
            response = await tab.goto(f"{live_server}{RECORD}/{segment}")
            assert response.status == 403, segment
            heading = await tab.get_by_role("heading", level=1).inner_text()
            assert heading == f"«\u202f{label}\u202f» n’est pas partagé avec vous"
            text = await tab.locator("main").inner_text()
            assert "Ce que le patient peut faire" in text and "page Partage" in text
        if scripts:
            await _no_axe_violation(tab)
    finally:
        await tab.context.close()


async def test_a_nurse_opens_a_record_by_ins_and_a_miss_says_nothing_more(
    browser: Any, live_server: str,
) -> None:
    tab = await _signed_in_nurse(browser, live_server, True)
    try:
        await tab.get_by_label("INS (15 caractères)").fill(CAMILLE_INS)
        await tab.get_by_label("Date de naissance").fill(CAMILLE_BORN)
        await tab.get_by_role("button", name="Ouvrir le dossier").click()
        await tab.wait_for_url(re.compile(RECORD + "$"))

        texts = []
        for ins, born in ((JEAN_INS, JEAN_BORN), ("295109912611193", "15/10/1995")):
            await tab.goto(f"{live_server}/pro")
            await tab.get_by_label("INS (15 caractères)").fill(ins)
            await tab.get_by_label("Date de naissance").fill(born)
            await tab.get_by_role("button", name="Ouvrir le dossier").click()
            await tab.wait_for_url(re.compile(r"/pro/not-shared$"))
            texts.append(await tab.locator("main").inner_text())
        assert texts[0] == texts[1] and "Aucun dossier partagé avec vous" in texts[0]
        assert await tab.get_by_role("link", name="Déposer un document").count() >= 1
        await _no_axe_violation(tab)
    finally:
        await tab.context.close()
