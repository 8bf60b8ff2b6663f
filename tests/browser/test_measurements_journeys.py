"""Camille records a blood pressure, with and without JavaScript, and finds it in the table;
saves her directives without JavaScript; prints her summary on at most two A4 pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

RECORD = "/records/1"  # Camille MARTIN, the first demo record


@pytest.fixture
async def scripted(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", storage_state=signed_in_states["patient"])
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def scriptless(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", java_script_enabled=False,
                                        storage_state=signed_in_states["patient"])
    yield await context.new_page()
    await context.close()


async def _fill_blood_pressure(tab: Any, upper: str, lower: str, note: str) -> None:
    await tab.get_by_label("Qu'avez-vous mesuré ?").select_option("BLOOD_PRESSURE")
    await tab.get_by_label("Valeur", exact=True).fill(upper)
    await tab.get_by_label("Tension basse (diastolique)").fill(lower)
    await tab.get_by_label("Remarque (facultatif)").fill(note)
    await tab.get_by_role("button", name="Enregistrer la mesure").click()


async def _first_row(tab: Any) -> str:
    return str(await tab.locator(".measure-table tbody tr").first.inner_text())


async def test_with_htmx_a_blood_pressure_is_added_in_place_then_removed_inline(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await tab.goto(f"{live_server}{RECORD}/measurements")
    lower = tab.get_by_label("Tension basse (diastolique)")
    assert not await lower.is_visible()  # only shown for a blood pressure
    await tab.get_by_label("Qu'avez-vous mesuré ?").select_option("BLOOD_PRESSURE")
    assert await lower.is_visible()
    await _fill_blood_pressure(tab, "157", "93", "Parcours htmx")
    status = tab.get_by_role("status")
    await status.wait_for()
    assert "La mesure est enregistrée" in await status.inner_text()
    assert tab.url == f"{live_server}{RECORD}/measurements"  # swapped in place, no reload
    await status.get_by_role("link").click()
    await tab.wait_for_url(re.compile(r"/measurements/blood-pressure$"))
    row = await _first_row(tab)
    assert "157/93 mmHg" in row and "Parcours htmx" in row
    await tab.locator(".measure-table tbody tr").first.get_by_role("link").click()
    await tab.get_by_role("button", name="Oui, supprimer").click()
    await tab.get_by_role("status").wait_for()
    assert "La valeur est supprimée" in await tab.get_by_role("status").inner_text()
    assert "Parcours htmx" not in await _first_row(tab)


async def test_without_javascript_a_blood_pressure_is_added_and_listed(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await tab.goto(f"{live_server}{RECORD}/measurements")
    lower = tab.get_by_label("Tension basse (diastolique)")
    assert await lower.is_visible()  # no script to show it when needed: it stays, with a hint
    assert "Seulement pour la tension" in await tab.locator("#h-value2").inner_text()
    await _fill_blood_pressure(tab, "158", "94", "Parcours sans script")
    await tab.wait_for_url(re.compile(r"done=added&kind=blood-pressure"))
    assert "La mesure est enregistrée" in await tab.get_by_role("status").inner_text()
    await tab.get_by_role("link", name="Voir toutes les valeurs de ce type").click()
    row = await _first_row(tab)
    assert "158/94 mmHg" in row and "Parcours sans script" in row
    await tab.locator(".measure-table tbody tr").first.get_by_role("link").click()
    await tab.get_by_role("button", name="Oui, supprimer").click()
    await tab.wait_for_url(re.compile(r"done=removed"))
    assert "Parcours sans script" not in await _first_row(tab)


async def test_without_javascript_a_refused_value_is_explained_next_to_its_field(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await tab.goto(f"{live_server}{RECORD}/measurements")
    await _fill_blood_pressure(tab, "400", "20", "")
    assert "trop haut pour être possible" in await tab.locator("#e-value").inner_text()
    assert await tab.get_by_label("Valeur", exact=True).get_attribute("aria-invalid") == "true"
    assert await tab.get_by_role("alert").is_visible()


async def test_without_javascript_directives_are_saved_and_read_back(
    scriptless: Any, live_server: str,
) -> None:
    tab = scriptless
    await tab.goto(f"{live_server}{RECORD}/directives")
    await tab.get_by_label("Téléphone (facultatif)").fill("07 11 22 33 44")
    await tab.get_by_label("J'accepte de donner mes organes et tissus").check()
    await tab.get_by_role("button", name="Enregistrer mes directives").click()
    await tab.wait_for_url(re.compile(r"/directives\?done=saved$"))
    assert "Vos directives sont enregistrées" in await tab.get_by_role("status").inner_text()
    assert await tab.get_by_label("Téléphone (facultatif)").input_value() == "0711223344"
    assert await tab.get_by_label("J'accepte de donner mes organes et tissus").is_checked()
    await tab.get_by_role("button", name="Je confirme que ces directives sont à jour").click()
    await tab.wait_for_url(re.compile(r"done=confirmed"))
    assert "Merci" in await tab.get_by_role("status").inner_text()


async def test_the_summary_prints_on_at_most_two_a4_pages_without_the_menus(
    scripted: Any, live_server: str,
) -> None:
    tab = scripted
    await tab.goto(f"{live_server}{RECORD}/summary")
    await tab.emulate_media(media="print")
    assert not await tab.locator("nav.sections").is_visible()
    hints = await tab.locator(".print-hint, .paper-links").all()
    assert len(hints) == 3  # how to print, the FHIR export, the PDF files: not on paper
    for hint in hints:
        assert not await hint.is_visible()
    assert await tab.get_by_role("heading", level=1).is_visible()
    assert await tab.locator(".summary-list .severe").first.is_visible()
    pdf: bytes = await tab.pdf(format="A4", print_background=False)
    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf) or re.findall(
        rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)
    assert counts, "no page tree found in the PDF"
    assert max(int(count) for count in counts) <= 2
