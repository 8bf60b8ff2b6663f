"""A new user's first sign-in, in a real browser."""

import re

import pytest

pytestmark = pytest.mark.browser


async def _sign_in_patient(page, live_server):
    await page.goto(f"{live_server}/")
    await page.get_by_role("link", name="Se connecter").click()
    await page.get_by_label("Adresse e-mail").fill("camille@demo.carnet.invalid")
    await page.get_by_label("Mot de passe").fill("carnet-demo-2026")
    await page.get_by_role("button", name="Continuer").click()
    await page.wait_for_url(re.compile(r"/signin/code"))
    # Development: the code lands in the outbox, as the README explains.
    outbox = await page.context.new_page()
    await outbox.goto(f"{live_server}/dev/outbox")
    body = await outbox.locator(".mail .body").first.inner_text()
    code = re.search(r"\b(\d{6})\b", body).group(1)
    await outbox.close()
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Se connecter").click()


async def test_a_demo_patient_signs_in_and_lands_on_their_record(page, live_server):
    await _sign_in_patient(page, live_server)
    await page.wait_for_url(f"{live_server}/patient")
    assert await page.get_by_role("heading", level=1).inner_text() == "Bonjour Camille MARTIN"
    assert "Léo MARTIN" in await page.locator("main").inner_text()


async def test_a_wrong_password_is_announced_to_screen_readers(page, live_server):
    await page.goto(f"{live_server}/signin")
    await page.get_by_label("Adresse e-mail").fill("camille@demo.carnet.invalid")
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
