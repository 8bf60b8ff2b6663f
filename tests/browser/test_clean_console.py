"""Adding entries and measurements with JavaScript leaves the console clean: no htmx error,
no Content-Security-Policy violation; a failed request says so in place, and what was typed
stays in the form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import expect

from tests.browser.test_entries_journeys import RECORD, add_allergy, remove_inline

pytestmark = pytest.mark.browser

# Counts CSP violations as the page sees them (an init script is not subject to the CSP).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
async def watched(browser: Any, signed_in_states: dict[str, Any]) -> AsyncIterator[Any]:
    context = await browser.new_context(locale="fr-FR", storage_state=signed_in_states["patient"])
    tab = await context.new_page()
    await tab.add_init_script(WATCH_CSP)
    tab.problems = []
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(
        f"console: {message.text}"))
    tab.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    yield tab
    await context.close()


async def _violations(tab: Any) -> list[str]:
    return await tab.evaluate("window.__cspViolations")  # type: ignore[no-any-return]


async def test_adding_an_allergy_logs_no_error_and_violates_no_policy(watched, live_server):
    await add_allergy(watched, live_server, "Noix de cajou")
    await expect(watched.locator("#entries-status")).to_have_text("Allergie ajoutée.")
    violations = await _violations(watched)
    await remove_inline(watched, "Noix de cajou", "Allergie supprimée.")
    assert watched.problems == []
    assert violations + await _violations(watched) == []


async def test_adding_a_measurement_logs_no_error_and_its_value_keeps_its_words_whole(
    watched, live_server,
):
    await watched.set_viewport_size({"width": 375, "height": 800})
    await watched.goto(f"{live_server}{RECORD}/measurements")
    await watched.get_by_label("Qu'avez-vous mesuré ?").select_option("HEART_RATE")
    await watched.get_by_label("Valeur", exact=True).fill("64")
    await watched.get_by_label("Remarque (facultatif)").fill("Parcours console")
    await watched.get_by_role("button", name="Enregistrer la mesure").click()
    status = watched.get_by_role("status")
    await expect(status).to_contain_text("La mesure est enregistrée")
    assert watched.problems == [] and await _violations(watched) == []
    # "64 battements/min", on a phone and in the narrow cards of a wide screen: no line
    # break inside the unit, which stays inside its card.
    for width in (375, 1024, 1280):
        await watched.set_viewport_size({"width": width, "height": 800})
        value = watched.locator(".measure-value").filter(has_text="battements/min").first
        fits = await value.evaluate("""(node) => {
          const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
          let text = walker.nextNode();
          while (text && !text.data.includes("battements/min")) text = walker.nextNode();
          const at = text.data.indexOf("battements/min"), range = document.createRange();
          range.setStart(text, at); range.setEnd(text, at + "battements/min".length);
          const rects = [...range.getClientRects()], card = node.closest(".card");
          return new Set(rects.map((rect) => Math.round(rect.top))).size === 1
            && rects.every((rect) => rect.right <= card.getBoundingClientRect().right);
        }""")
        assert fits, width
    await status.get_by_role("link").click()
    await watched.locator(".measure-table tbody tr").first.get_by_role("link").click()
    await watched.get_by_role("button", name="Oui, supprimer").click()
    await expect(watched.get_by_role("status")).to_contain_text("La valeur est supprimée")


async def test_chart_labels_fit_inside_the_chart(page):
    from datetime import UTC, datetime, timedelta

    from web.charts import line_chart

    start = datetime(2026, 1, 1, tzinfo=UTC)
    days = [start + timedelta(days=30 * step) for step in range(5)]
    charts = [
        line_chart([(day, 120.0 + n) for n, day in enumerate(days)], title="Tension",
                   unit="mmHg", lang="fr",
                   second_series=[(day, 80.0 + n) for n, day in enumerate(days)]),
        line_chart([(day, 70.0 + n) for n, day in enumerate(days)], title="Pouls",
                   unit="battements/min", lang="fr"),
    ]
    await page.set_content("<!doctype html><body>" + "".join(charts) + "</body>")
    boxes = await page.evaluate("""() => [...document.querySelectorAll("svg")].map((svg) =>
      [...svg.querySelectorAll("text")].map((text) => {
        const box = text.getBBox();
        return [text.textContent, box.x, box.y, box.x + box.width, box.y + box.height,
                svg.viewBox.baseVal.width];
      }))""")
    for texts in boxes:
        for name, left, _top, right, _bottom, width in texts:
            assert left >= 0 and right <= width, f"{name!r} is cut ({left:.0f}..{right:.0f})"
        # The unit (first label) overlaps no other label above the plot.
        unit = texts[0]
        for other in texts[1:]:
            if other[2] < unit[4] and unit[2] < other[4]:
                assert other[1] >= unit[3] or other[3] <= unit[1], (unit[0], other[0])


async def test_a_failed_request_is_explained_in_place_and_keeps_what_was_typed(watched,
                                                                               live_server):
    async def elsewhere(route: Any) -> None:  # the record is gone by the time it is sent
        await route.continue_(url=f"{live_server}/records/999999/allergies")

    await watched.goto(f"{live_server}{RECORD}/allergies")
    await watched.route(f"{live_server}{RECORD}/allergies", lambda route: elsewhere(route)
                        if route.request.method == "POST" else route.continue_())
    form = watched.locator("#a-form")
    await form.get_by_label("Substance").fill("Arachide")
    await form.get_by_role("button", name="Ajouter une allergie").click()
    alert = watched.locator("#request-error")
    await expect(alert).to_contain_text("Page introuvable")
    await expect(alert).to_be_visible()
    await expect(form.get_by_label("Substance")).to_have_value("Arachide")
    assert await watched.title() != "Page introuvable · Carnet"
    # The same form sent again, once the record is reachable: the message goes away.
    await watched.unroute(f"{live_server}{RECORD}/allergies")
    await form.get_by_role("button", name="Ajouter une allergie").click()
    await expect(watched.locator("#entries-status")).to_have_text("Allergie ajoutée.")
    await expect(alert).to_be_empty()
    await expect(alert).to_be_hidden()
    await remove_inline(watched, "Arachide", "Allergie supprimée.")
    # The only console line is the browser's own report of the failed request's 404.
    assert all("404" in problem for problem in watched.problems), watched.problems
