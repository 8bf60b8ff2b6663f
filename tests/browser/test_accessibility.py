"""Every registered page passes axe (WCAG 2.1 A/AA), works from the keyboard, and prints."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.browser.pages import Visit, load_visit, new_visit_context, visits
from web.charts import line_chart

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STYLESHEET = (Path(__file__).resolve().parents[2] / "web/static/css/carnet.css").read_text()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}

# What a keyboard user can reach with Tab: enabled, rendered, not taken out of the order.
# A radio group is one stop, so only its first button counts. Disclosures (<details>: the
# record's menus, the overview's notifications) are opened first, as a keyboard user opens
# them with Enter, so that every control inside is checked too.
_LIST_FOCUSABLE = """() => {
  document.querySelectorAll('details:not([open])').forEach((details) => { details.open = true; });
  const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary, '
    + '[tabindex], [contenteditable=""], [contenteditable="true"]';
  const seenRadioGroups = new Set();
  window.__focusable = Array.from(document.querySelectorAll(selector)).filter((el) => {
    if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) return false;
    if (el.getClientRects().length === 0) return false;
    if (getComputedStyle(el).visibility === 'hidden') return false;
    if (el.type === 'radio') {
      // Tab stops once per radio group: on the checked button when there is one.
      const group = Array.from(document.querySelectorAll('input[type=radio]')).filter(
        (other) => other.name === el.name && other.form === el.form);
      const checked = group.find((other) => other.checked);
      if (checked ? checked !== el : seenRadioGroups.has(el.name)) return false;
      seenRadioGroups.add(el.name);
    }
    return true;
  });
  return window.__focusable.map((el) => el.outerHTML.slice(0, 120));
}"""

_FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  let behind = el.parentElement;
  while (behind && getComputedStyle(behind).backgroundColor.match(/^rgba\(.*, 0\)$|transparent/))
    behind = behind.parentElement;
  return {
    index: window.__focusable.indexOf(el),
    html: el.outerHTML.slice(0, 120),
    outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    outline: style.outlineColor,
    background: behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)',
    onScreen: box.right > 0 && box.bottom > 0 && box.left < innerWidth,
  };
}"""


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed CSS colours (rgb()/rgba(), alpha ignored)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture
async def visit_tab(request: pytest.FixtureRequest, browser: Any, live_server: str,
                    signed_in_states: dict[str, Any]) -> Any:
    visit: Visit = request.param
    context, tab = await new_visit_context(browser, live_server, visit, signed_in_states)
    await load_visit(tab, live_server, visit)
    yield tab
    await context.close()


@pytest.mark.parametrize("visit_tab", visits(), ids=lambda visit: visit.id, indirect=True)
async def test_the_page_has_no_wcag_21_aa_violation(visit_tab: Any) -> None:
    results = await Axe().run(visit_tab, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, f"{len(violations)} axe violations:\n{_describe(violations)}"


@pytest.mark.parametrize("visit_tab", visits(), ids=lambda visit: visit.id, indirect=True)
async def test_tab_reaches_the_skip_link_first_then_every_control_visibly(
    visit_tab: Any,
) -> None:
    focusable = await visit_tab.evaluate(_LIST_FOCUSABLE)
    reached: list[int] = []
    problems: list[str] = []
    for _ in range(len(focusable) + 5):
        await visit_tab.keyboard.press("Tab")
        focused = await visit_tab.evaluate(_FOCUSED)
        if focused is not None and reached and focused["index"] == reached[-1]:
            continue  # the next part of the same control (a date's day, month, year)
        if focused is None or focused["index"] in reached:
            break  # focus left the page or came round again
        if focused["index"] < 0:
            problems.append(f"focus went to an element not counted as focusable: {focused['html']}")
            continue
        if not focused["outlined"]:
            problems.append(f"no visible focus outline on {focused['html']}")
        elif (ratio := contrast(focused["outline"], focused["background"])) < 3:
            problems.append(f"focus outline contrast {ratio:.2f}:1 < 3:1 on {focused['html']}")
        if not focused["onScreen"]:
            problems.append(f"focused but off screen: {focused['html']}")
        reached.append(focused["index"])
    assert reached and 'class="skip"' in focusable[reached[0]], (
        f"the first Tab stop is not the skip link: {focusable[reached[0]] if reached else None}"
    )
    missed = [html for index, html in enumerate(focusable) if index not in reached]
    assert not missed, f"Tab never reaches {len(missed)} of {len(focusable)} controls: {missed}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("visit_tab", visits(), ids=lambda visit: visit.id, indirect=True)
async def test_the_page_reflows_on_a_320_pixel_wide_screen_without_sideways_scrolling(
    visit_tab: Any,
) -> None:
    await visit_tab.set_viewport_size({"width": 320, "height": 640})
    widest = await visit_tab.evaluate("document.documentElement.scrollWidth")
    assert widest <= 320, f"the page is {widest}px wide at 320px (WCAG 1.4.10)"


def test_contrast_matches_the_wcag_formula() -> None:
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(242, 169, 0)", "rgb(255, 255, 255)"), 2) == 2.01


async def test_charts_have_an_accessible_name_and_pass_axe(page: Any) -> None:
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    systolic = [(start + timedelta(days=day), 120.0 + day % 9) for day in range(60)]
    diastolic = [(moment, value - 40) for moment, value in systolic]
    charts = (line_chart(systolic, second_series=diastolic, title="Tension artérielle",
                         unit="mmHg", lang="fr")
              + line_chart([], title="Poids", unit="kg", lang="fr"))
    await page.set_content(f'<!doctype html><html lang="fr"><head><title>Mesures</title>'
                           f"<style>{STYLESHEET}</style></head><body><main><h1>Mesures</h1>"
                           f"{charts}</main></body></html>")
    results = await Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, _describe(violations)
    chart = page.get_by_role("img", name=re.compile("^Tension artérielle 60 valeurs du"))
    assert await chart.count() == 1
    await page.set_viewport_size({"width": 320, "height": 640})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 320


async def test_the_code_field_brings_up_a_numeric_keypad(
    browser: Any, live_server: str, signed_in_states: dict[str, Any],
) -> None:
    visit = next(visit for visit in visits() if visit.page.name.startswith("/signin/code"))
    context, tab = await new_visit_context(browser, live_server, visit, signed_in_states)
    try:
        await load_visit(tab, live_server, visit)
        code = tab.get_by_label("Code")
        assert await code.get_attribute("inputmode") == "numeric"
        assert await code.get_attribute("maxlength") == "7"
        assert await code.get_attribute("autocomplete") == "one-time-code"
    finally:
        await context.close()


async def test_the_skip_link_moves_focus_to_the_main_content(page: Any, live_server: str) -> None:
    await page.goto(f"{live_server}/signin")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"


async def test_the_printed_record_keeps_the_content_and_drops_navigation_and_forms(
    browser: Any, live_server: str, signed_in_states: dict[str, Any],
) -> None:
    context = await browser.new_context(locale="fr-FR",
                                        storage_state=signed_in_states["patient"])
    try:
        tab = await context.new_page()
        await tab.goto(f"{live_server}/patient")
        await tab.emulate_media(media="print")
        assert not await tab.locator("header nav").is_visible()
        assert not await tab.locator("form").first.is_visible()
        assert not await tab.locator(".skip").is_visible()
        main = tab.locator("main")
        assert await main.is_visible()
        assert await tab.get_by_role("heading", level=1).is_visible()
        assert "Camille MARTIN" in await main.inner_text()
        await tab.emulate_media(media="screen")
        assert await tab.locator("header nav").is_visible()
    finally:
        await context.close()
