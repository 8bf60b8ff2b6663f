"""Camille shares her record with a dentist (two sections) and withdraws it, reads an
access history and switches to her son's record: each with and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

RECORD, CHILD = "/records/1", "/records/2"  # Camille MARTIN and her son Léo, in the demo
DENTIST = "Claire MOREAU"


async def _tab(browser: Any, states: dict[str, Any], scripts: bool) -> Any:
    context = await browser.new_context(locale="fr-FR", java_script_enabled=scripts,
                                        storage_state=states["patient"])
    return await context.new_page()


@pytest.fixture
async def scripted(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    tab = await _tab(browser, signed_in_states, True)
    yield tab
    await tab.context.close()


@pytest.fixture
async def scriptless(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    tab = await _tab(browser, signed_in_states, False)
    yield tab
    await tab.context.close()


async def _grant_two_sections_to_the_dentist(tab: Any, base: str) -> None:
    await tab.goto(f"{base}{RECORD}/sharing")
    await tab.get_by_label("Nom", exact=True).fill("moreau")
    await tab.get_by_label("Profession", exact=True).select_option("dentist")
    await tab.get_by_role("button", name="Chercher").click()
    await tab.wait_for_url(re.compile(r"/sharing/find\?search=moreau"))
    await tab.get_by_role("link", name=f"Choisir ce que {DENTIST} peut voir").click()
    await tab.wait_for_url(re.compile(r"/sharing/grant/\d+$"))
    form = await tab.locator("#grant-form").inner_text()
    assert "Jamais accessibles à un·e chirurgien-dentiste\u202f: directives anticipées." in form
    await tab.get_by_label("Allergies", exact=True).check()
    await tab.get_by_label("Traitements", exact=True).check()
    await tab.get_by_role("button", name="Partager", exact=True).click()
    await tab.wait_for_url(re.compile(r"/sharing\?done=granted$"))
    assert "C'est fait" in await tab.get_by_role("status").inner_text()
    row = tab.locator(".grants li").filter(has_text=DENTIST)
    assert "Voit\u202f: allergies et traitements." in await row.inner_text()


async def test_with_htmx_a_dentist_gets_two_sections_then_loses_them_inline(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await _grant_two_sections_to_the_dentist(tab, live_server)
    await tab.get_by_role("link", name=f"Retirer l'accès de {DENTIST}").click()
    confirm = tab.locator(".grants .confirm")
    await confirm.wait_for()
    assert "ne verra plus\u202f: allergies et traitements" in await confirm.inner_text()
    await tab.get_by_role("button", name="Retirer l'accès", exact=True).click()
    status = tab.get_by_role("status")
    await status.filter(has_text="retiré").wait_for()  # the same live region, new words
    assert "l'accès est retiré" in await status.inner_text()
    assert tab.url.endswith("/sharing?done=granted")  # swapped in place, no reload
    assert await tab.locator(".grants li").filter(has_text=DENTIST).count() == 0


async def test_without_javascript_a_dentist_gets_two_sections_then_loses_them(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await _grant_two_sections_to_the_dentist(tab, live_server)
    await tab.get_by_role("link", name=f"Retirer l'accès de {DENTIST}").click()
    await tab.wait_for_url(re.compile(r"/sharing/revoke\?grant=\d+$"))
    assert await tab.get_by_role("heading", level=1).inner_text() == \
        f"Retirer l'accès de {DENTIST}\u202f?"
    await tab.get_by_role("button", name="Retirer l'accès", exact=True).click()
    await tab.wait_for_url(re.compile(r"/sharing\?done=revoked$"))
    assert "l'accès est retiré" in await tab.get_by_role("status").inner_text()
    assert await tab.locator(".grants li").filter(has_text=DENTIST).count() == 0


async def _switch_to_the_child(tab: Any, base: str, section: str) -> None:
    await tab.goto(f"{base}{RECORD}/{section}")
    switch = tab.get_by_role("navigation", name="Dossiers que je gère")
    await switch.get_by_role("link", name=re.compile("Léo MARTIN")).click()
    await tab.wait_for_url(f"{base}{CHILD}/{section}")
    current = switch.locator("[aria-current=page]")
    assert "Léo MARTIN" in await current.inner_text()


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
async def test_switch_to_the_childs_record(browser: Any, signed_in_states: dict[str, Any],
                                           live_server: str, scripts: bool) -> None:
    tab = await _tab(browser, signed_in_states, scripts)
    try:
        await _switch_to_the_child(tab, live_server, "sharing")
        heading = await tab.get_by_role("heading", level=1).inner_text()
        assert heading == "Qui peut voir le dossier de Léo MARTIN"
        await tab.get_by_role("navigation", name="Dossiers que je gère").get_by_role(
            "link", name=re.compile("Camille MARTIN")).click()
        await tab.wait_for_url(f"{live_server}{RECORD}/sharing")
    finally:
        await tab.context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
async def test_the_access_history_shows_and_filters_who_opened_the_record(
    browser: Any, signed_in_states: dict[str, Any], live_server: str, scripts: bool,
) -> None:
    tab = await _tab(browser, signed_in_states, scripts)
    try:
        # Reading her son's record as his parent is itself written in his history.
        await _switch_to_the_child(tab, live_server, "access-history")
        await tab.get_by_role("navigation", name="Rubriques du dossier").get_by_role(
            "link", name="Vue d'ensemble").click()
        await tab.wait_for_url(f"{live_server}{CHILD}")
        await tab.get_by_role("link", name="Tout l'historique des accès").click()
        await tab.wait_for_url(f"{live_server}{CHILD}/access-history")
        first = tab.locator(".timeline .event").first
        assert "Camille MARTIN a consulté" in await first.inner_text()
        assert "motif\u202f: parent" in await first.inner_text()
        await tab.get_by_label("Motif de l'accès").select_option("REPRESENTATIVE")
        await tab.get_by_role("button", name="Filtrer").click()
        await tab.wait_for_url(re.compile(r"/access-history\?.*basis=REPRESENTATIVE$"))
        assert "correspond" in await tab.locator("#events-h").inner_text()
        await tab.get_by_label("Motif de l'accès").select_option("EMERGENCY")
        await tab.get_by_role("button", name="Filtrer").click()
        await tab.wait_for_url(re.compile(r"basis=EMERGENCY$"))
        assert "Aucun accès ne correspond" in await tab.locator("main").inner_text()
    finally:
        await tab.context.close()
