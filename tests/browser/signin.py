"""Signing a browser context in as a demo patient or a demo professional.

Patients get their second-step code by e-mail (the development outbox);
professionals read it from their authenticator app, which `authenticator_code` stands in
for with the demo's fixed keys and the development server's clock (/dev/clock).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from api.demo import PROFESSIONALS
from api.identity.second_factor import STEP_SECONDS, current_code
from api.security import csrf

DEMO_PASSWORD = "carnet-demo-2026"
DEMO_PATIENT = "camille@demo.carnet.invalid"
DEMO_PROFESSIONAL = "dr.bernard@demo.carnet.invalid"
DEMO_EMERGENCY_PHYSICIAN = "urg.haddad@demo.carnet.invalid"
DEMO_ACCOUNTS = {"patient": DEMO_PATIENT, "professional": DEMO_PROFESSIONAL,
                 "emergency": DEMO_EMERGENCY_PHYSICIAN,
                 # The two older demo patients, each with a record of their own only.
                 "patient-jean": "jean@demo.carnet.invalid",
                 "patient-paule": "paule@demo.carnet.invalid"}
PATIENT_ROLES = ("patient", "patient-jean", "patient-paule")
# What each demo professional's authenticator app holds (the demo's fixed keys).
DEMO_SECRETS = {pro.email: pro.totp_secret for pro in PROFESSIONALS}

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_SIX_DIGITS = re.compile(r"\b(\d{6})\b")


async def password_step(page: Any, base_url: str, email: str) -> None:
    """The first step through the sign-in form: e-mail address and password."""
    await page.goto(f"{base_url}/signin")
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Continuer").click()
    await page.wait_for_url(re.compile(r"/signin/code"))


async def password_step_without_loading(context: Any, base_url: str, email: str) -> None:
    """The same step through the context's HTTP client, so the browser cache stays empty."""
    form = await context.request.get(f"{base_url}/signin")
    token = _CSRF_FIELD.search(await form.text())
    assert token, "the sign-in page has no CSRF field"
    answer = await context.request.post(
        f"{base_url}/signin", max_redirects=0,
        form={"csrf_token": token.group(1), "email": email, "password": DEMO_PASSWORD},
    )
    assert answer.status == 303, f"the password step failed with status {answer.status}"


async def emailed_code(context: Any, base_url: str, email: str) -> str:
    """The newest sign-in code sent to `email`, read from the development outbox."""
    outbox = await context.new_page()
    try:
        await outbox.goto(f"{base_url}/dev/outbox")
        mail = outbox.locator(".mail").filter(has_text=email).first
        body = await mail.locator(".body").inner_text()
    finally:
        await outbox.close()
    found = _SIX_DIGITS.search(body)
    assert found, f"no code in the last mail to {email}: {body!r}"
    return found.group(1)


# Each account's last 30-second step used in this session: the server takes a step's code
# once, and only a step after the last one it took.
_last_steps: dict[str, int] = {}


async def _server_now(page: Any, base_url: str) -> datetime:
    answer = await page.context.request.get(f"{base_url}/dev/clock")
    return datetime.fromisoformat((await answer.json())["now"])


async def _move_server_clock(page: Any, base_url: str, seconds: int) -> None:
    token = await page.locator(f'input[name="{csrf.FIELD}"]').first.get_attribute("value")
    answer = await page.context.request.post(f"{base_url}/dev/clock", form={"seconds": seconds},
                                             headers={csrf.HEADER: token})
    assert answer.ok, f"the server's clock did not move: {answer.status}"


async def authenticator_code(page: Any, base_url: str, email: str) -> str:
    """The code the professional's authenticator app shows, for `page` at the code step.

    It is the code of the server's current step, or of the step after the last one used:
    the server accepts one step ahead. Past that, the development server's clock is moved
    forward instead of waiting in real time for the next step.
    """
    step = int((await _server_now(page, base_url)).timestamp()) // STEP_SECONDS
    wanted = max(step, _last_steps.get(email, step - 1) + 1)
    if wanted > step + 1:
        await _move_server_clock(page, base_url, (wanted - 1 - step) * STEP_SECONDS)
    _last_steps[email] = wanted
    return current_code(DEMO_SECRETS[email], datetime.fromtimestamp(wanted * STEP_SECONDS, UTC))


async def sign_in(page: Any, base_url: str, role: str, env: dict[str, str] | None = None) -> None:
    """Both steps of the sign-in in `page`, ending on the role's home page.

    (`env`, the live server's environment, is no longer needed: codes are computed here.)
    """
    email = DEMO_ACCOUNTS[role]
    await password_step(page, base_url, email)
    if role in PATIENT_ROLES:
        code = await emailed_code(page.context, base_url, email)
    else:
        code = await authenticator_code(page, base_url, email)
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Se connecter").click()
    # A patient lands on their record (/patient shows it in place).
    landing = r"/patient$" if role in PATIENT_ROLES else r"/pro$"
    await page.wait_for_url(re.compile(landing))


async def signed_in_state(browser: Any, base_url: str, role: str,
                          env: dict[str, str]) -> dict[str, Any]:
    """Sign in once in a throwaway context; its cookies let later contexts start signed in."""
    context = await browser.new_context(locale="fr-FR")
    try:
        page = await context.new_page()
        await sign_in(page, base_url, role, env)
        state: dict[str, Any] = await context.storage_state()
        return state
    finally:
        await context.close()
