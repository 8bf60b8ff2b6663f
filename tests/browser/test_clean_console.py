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


async def test_adding_a_measurement_logs_no_error(watched, live_server):
    await watched.goto(f"{live_server}{RECORD}/measurements")
    await watched.get_by_label("Qu'avez-vous mesuré ?").select_option("HEART_RATE")
    await watched.get_by_label("Valeur", exact=True).fill("64")
    await watched.get_by_role("button", name="Enregistrer la mesure").click()
    await expect(watched.locator("[role=status]").first).to_contain_text("enregistrée")
    assert watched.problems == [] and await _violations(watched) == []


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
