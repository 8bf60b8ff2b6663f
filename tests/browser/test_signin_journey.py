"""A new user's first sign-in, in a real browser."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.browser.signin import DEMO_PATIENT, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
async def plain_page(browser: Any) -> AsyncIterator[Any]:
    """A tab with JavaScript turned off: the forms must work on their own."""
    context = await browser.new_context(locale="fr-FR", java_script_enabled=False)
    yield await context.new_page()
    await context.close()


async def test_a_demo_patient_signs_in_and_lands_on_their_record(page, live_server, live_env):
    await page.goto(f"{live_server}/")
    await page.get_by_role("link", name="Se connecter").click()
    await page.wait_for_url(f"{live_server}/signin")
    await sign_in(page, live_server, "patient", live_env)
    assert "Camille MARTIN" in await page.get_by_role("heading", level=1).inner_text()
    assert "Léo MARTIN" in await page.locator("main").inner_text()


async def test_a_demo_professional_signs_in_with_an_authenticator_code(page, live_server,
                                                                        live_env):
    await sign_in(page, live_server, "professional", live_env)
    assert await page.get_by_role("heading", level=1).inner_text() == "Mes patients"
    assert "Sophie BERNARD" in await page.locator("main").inner_text()


async def test_a_wrong_password_is_announced_to_screen_readers(page, live_server):
    await page.goto(f"{live_server}/signin")
    await page.get_by_label("Adresse e-mail").fill(DEMO_PATIENT)
    await page.get_by_label("Mot de passe").fill("this is not it")
    await page.get_by_role("button", name="Continuer").click()
    alert = page.get_by_role("alert")
    assert "mot de passe est erroné" in await alert.inner_text()


async def test_the_interface_switches_to_english(page, live_server):
    await page.goto(f"{live_server}/signin")
    await page.get_by_role("button", name="English").click()
    await page.wait_for_load_state()
    assert await page.get_by_role("heading", level=1).inner_text() == "Sign in to Carnet"
    assert await page.locator("html").get_attribute("lang") == "en"


async def test_without_javascript_a_patient_signs_in_and_switches_to_english(
        plain_page, live_server, live_env):
    await sign_in(plain_page, live_server, "patient", live_env)
    assert "Camille MARTIN" in await plain_page.get_by_role("heading", level=1).inner_text()
    await plain_page.get_by_role("button", name="English").click()
    await plain_page.wait_for_load_state()
    assert await plain_page.locator("html").get_attribute("lang") == "en"
    assert "Camille MARTIN" in await plain_page.get_by_role("heading", level=1).inner_text()
    assert await plain_page.get_by_role("button", name="Sign out", exact=True).count() == 1
