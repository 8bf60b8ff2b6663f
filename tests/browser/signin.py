"""Signing a browser context in as a demo patient or a demo professional.

Patients get their second-step code by e-mail (the development outbox);
professionals read it from their authenticator app, which the
`carnet totp-code` command stands in for, run against the live server's data.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from typing import Any

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


# The server accepts each authenticator code once: a second sign-in within the same
# 30-second step waits for the next code, as a person would.
_used_codes: dict[str, str] = {}


async def authenticator_code(env: dict[str, str], email: str) -> str:
    """What the professional's authenticator app shows now (a code not used yet)."""
    def run() -> str:
        done = subprocess.run([sys.executable, "-m", "api.cli", "totp-code", email], env=env,
                              check=True, capture_output=True, text=True, timeout=60)
        return done.stdout.strip()

    for _ in range(20):
        code = await asyncio.to_thread(run)
        if code != _used_codes.get(email):
            _used_codes[email] = code
            return code
        await asyncio.sleep(2)
    raise AssertionError(f"no new authenticator code for {email} after 40 seconds")


async def sign_in(page: Any, base_url: str, role: str, env: dict[str, str]) -> None:
    """Both steps of the sign-in in `page`, ending on the role's home page."""
    email = DEMO_ACCOUNTS[role]
    await password_step(page, base_url, email)
    if role in PATIENT_ROLES:
        code = await emailed_code(page.context, base_url, email)
    else:
        code = await authenticator_code(env, email)
    await page.get_by_label("Code").fill(code)
    await page.get_by_role("button", name="Se connecter").click()
    # A patient lands on their record (/patient redirects to /records/{id}).
    landing = r"/records/\d+$" if role in PATIENT_ROLES else r"/pro$"
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
