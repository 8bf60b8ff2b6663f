"""A record on a 375 x 667 phone: the first screen shows the page, not its menus.

The record switcher and the sections are one-line menus (<details>) that open without
JavaScript and by keyboard, and name what is chosen; a wide screen shows them open beside
the page.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
WIDE = {"width": 1280, "height": 800}
RECORD, CHILD = "/records/1", "/records/2"  # Camille MARTIN and her son Léo, in the demo

# (page, what comes first on it): a tile of the dashboard, a section's first entry or,
# in an empty section, its form to add one.
FIRST_CONTENT = [
    ("", ".tiles .tile"),
    ("/history", ".entries .entry h2, #add h2"),
    ("/allergies", ".entries .entry h2, #add h2"),
    ("/treatments", ".entries .entry h2, #add h2"),
    ("/vaccinations", ".entries .entry h2, #add h2"),
    ("/measurements", ".measure-cards .card, #add h2"),
    ("/documents", ".docs-list li, #add h2"),
]


async def _tab(browser: Any, states: dict[str, Any], *, scripts: bool = True,
               viewport: dict[str, int] = PHONE, locale: str = "fr-FR") -> Any:
    context = await browser.new_context(locale=locale, viewport=viewport,
                                        java_script_enabled=scripts,
                                        storage_state=states["patient"])
    return await context.new_page()


@pytest.fixture
async def phone(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    tab = await _tab(browser, signed_in_states)
    yield tab
    await tab.context.close()


@pytest.fixture
async def phone_without_scripts(browser: Any,
                                signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    tab = await _tab(browser, signed_in_states, scripts=False)
    yield tab
    await tab.context.close()


@pytest.mark.parametrize(("path", "first"), FIRST_CONTENT, ids=[p or "/" for p, _ in FIRST_CONTENT])
async def test_the_first_screen_of_a_phone_shows_the_pages_first_content(
    phone: Any, live_server: str, path: str, first: str,
) -> None:
    await phone.goto(f"{live_server}{RECORD}{path}")
    box = await phone.locator(first).first.bounding_box()
    assert box is not None, f"nothing matches {first!r} on {RECORD}{path}"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"{first!r} on {RECORD}{path} spans {box['y']:.0f}-{box['y'] + box['height']:.0f} px, "
        f"below the first {PHONE['height']} px")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_the_sections_menu_names_the_current_section_and_opens_without_javascript(
    phone_without_scripts: Any, live_server: str,
) -> None:
    tab = phone_without_scripts
    await tab.goto(f"{live_server}{RECORD}")
    menu = tab.locator("summary", has_text="Rubrique")
    assert re.search(r"Rubrique\s*\u202f?:\s*Vue d'ensemble", await menu.inner_text())
    sections = tab.get_by_role("navigation", name="Rubriques du dossier")
    assert not await sections.is_visible()
    await menu.click()
    assert await sections.is_visible()
    assert await sections.get_by_role("link").count() >= 10
    current = sections.locator("[aria-current=page]")
    assert await current.inner_text() == "Vue d'ensemble"
    await sections.get_by_role("link", name="Allergies", exact=True).click()
    await tab.wait_for_url(re.compile(r"/records/1/allergies$"))
    assert "Allergies" in await tab.locator("summary", has_text="Rubrique").inner_text()
    assert not await tab.get_by_role("navigation", name="Rubriques du dossier").is_visible()
    assert await tab.get_by_role("heading", level=1).is_visible()


async def test_the_record_switcher_is_one_line_and_keeps_the_section(
    phone_without_scripts: Any, live_server: str,
) -> None:
    tab = phone_without_scripts
    await tab.goto(f"{live_server}{RECORD}/vaccinations")
    switcher = tab.locator("summary", has_text="Dossier")
    box = await switcher.bounding_box()
    assert box is not None and box["height"] <= 60  # one line, not a row of buttons
    assert "moi" in await switcher.inner_text()
    await switcher.click()
    records = tab.get_by_role("navigation", name="Dossiers que je gère")
    await records.get_by_role("link", name=re.compile("enfant")).click()
    await tab.wait_for_url(re.compile(rf"{CHILD}/vaccinations$"))
    assert "enfant" in await tab.locator("summary", has_text="Dossier").inner_text()


async def test_the_menus_open_from_the_keyboard_with_a_visible_focus(
    phone: Any, live_server: str,
) -> None:
    await phone.goto(f"{live_server}{RECORD}")
    menu = phone.locator("summary", has_text="Rubrique")
    await menu.focus()
    assert await menu.get_attribute("aria-expanded") in (None, "false")
    await phone.keyboard.press("Enter")
    sections = phone.get_by_role("navigation", name="Rubriques du dossier")
    assert await sections.is_visible()
    await phone.keyboard.press("Tab")
    focused = await phone.evaluate("""() => ({text: document.activeElement.textContent.trim(),
        outline: getComputedStyle(document.activeElement).outlineStyle})""")
    assert focused == {"text": "Vue d'ensemble", "outline": "solid"}


async def test_a_wide_screen_shows_the_sections_beside_the_page(
    browser: Any, live_server: str, signed_in_states: dict[str, Any],
) -> None:
    tab = await _tab(browser, signed_in_states, viewport=WIDE)
    try:
        await tab.goto(f"{live_server}{RECORD}/treatments")
        sections = tab.get_by_role("navigation", name="Rubriques du dossier")
        assert await sections.is_visible()  # no menu to open
        assert not await tab.locator("summary", has_text="Rubrique").is_visible()
        column = await sections.bounding_box()
        heading = await tab.get_by_role("heading", level=1).bounding_box()
        assert column is not None and heading is not None
        assert column["x"] + column["width"] <= heading["x"]  # side by side
        assert heading["y"] < 200
    finally:
        await tab.context.close()


async def test_the_menus_speak_english_when_asked(
    browser: Any, live_server: str, signed_in_states: dict[str, Any],
) -> None:
    tab = await _tab(browser, signed_in_states)
    try:
        await tab.context.add_cookies([{"name": "carnet_lang", "value": "en",
                                        "url": live_server}])
        await tab.goto(f"{live_server}{RECORD}/documents")
        menu = tab.locator("summary", has_text="Section")
        assert re.search(r"Section:\s*Documents", await menu.inner_text())
        assert "Record:" in await tab.locator("summary", has_text="Record").inner_text()
        await menu.click()
        assert await tab.get_by_role("navigation", name="Sections of the record").is_visible()
    finally:
        await tab.context.close()
