"""The whole OAuth flow, in-process: consent screen, consent, code exchange, first query.

``python -m bench.oauth_flow [--repeat N]``

Builds a throw-away SQLite database with the demo records and a public app, signs Camille
in (a session made directly: the password's argon2 is not the flow's cost), then times,
N times: GET /oauth/authorize (the consent screen), POST /oauth/authorize (allow: the
code), POST /oauth/token (code + PKCE verifier: the tokens), the first GraphQL query with
the bearer token, and a refresh. Prints a Markdown table (median and p95 in ms).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import itertools
import platform
import re
import secrets
import statistics
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from tortoise import Tortoise

from api.db import apply_migrations, open_database
from api.demo import load_demo, load_records
from api.identity.models import Account, SessionStage
from api.identity.sessions import start_session
from api.identity.viewer import SESSION_COOKIE
from api.oauth import services
from api.security import csrf
from api.settings import Settings

SECRET = "benchmark-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - throw-away
REDIRECT_URI = "https://bench.example/callback"
SCOPES = "allergies.read treatments.read"
QUERY = ("{ me { patient { allergies { items { substance } } "
         "treatments { items { medication } } } } }")
STEPS = ("consent screen", "allow (code)", "token exchange", "first query", "refresh",
         "whole flow")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def prepare(settings: Settings) -> tuple[str, str]:
    """The demo database and an approved public app; Camille's session token and app id."""
    await apply_migrations(settings, quiet=True)
    await open_database(settings)
    try:
        await load_demo()
        await load_records(settings)
        app, _ = await services.register_app(name="Bench", publisher="Bench",
                                             redirect_uris=[REDIRECT_URI], scopes=SCOPES,
                                             confidential=False)
        await services.approve_app(app.client_id)
        account = await Account.get(email="camille@demo.carnet.invalid")
        token, _ = await start_session(settings.secret_key, account, SessionStage.ACTIVE, "bench")
    finally:
        await Tortoise.close_connections()
    return token, app.client_id


async def one_flow(browser: httpx.AsyncClient, app_http: httpx.AsyncClient,
                   client_id: str) -> list[float]:
    verifier = secrets.token_urlsafe(48)
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    url = "/oauth/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI,
        "scope": SCOPES, "state": "s", "code_challenge": challenge,
        "code_challenge_method": "S256"})
    times = [time.perf_counter()]
    page = await browser.get(url)
    times.append(time.perf_counter())
    fields = {name: unescape(value) for name, value in
              re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)}
    scopes = re.findall(r'name="scope" value="([^"]+)" checked', page.text)
    record = re.search(r'name="record" value="(\d+)" checked', page.text)
    form = {**fields, "decision": "allow", "scope": scopes,
            "record": record.group(1) if record else ""}
    answer = await browser.post("/oauth/authorize", data=form)
    times.append(time.perf_counter())
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    tokens = (await app_http.post("/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "client_id": client_id, "code_verifier": verifier})).json()
    times.append(time.perf_counter())
    body = (await app_http.post("/graphql", json={"query": QUERY}, headers={
        "Authorization": f"Bearer {tokens['access_token']}"})).json()
    times.append(time.perf_counter())
    assert body["data"]["me"]["patient"]["allergies"]["items"], body
    refreshed = await app_http.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": client_id})
    times.append(time.perf_counter())
    assert refreshed.status_code == 200, refreshed.text
    steps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
    return [*steps, (times[-1] - times[0]) * 1000]


async def measure(settings: Settings, session: str, client_id: str, repeat: int
                  ) -> dict[str, list[float]]:
    from web.app import create_app

    app = create_app(settings)
    samples: dict[str, list[float]] = {step: [] for step in STEPS}
    secret, pad = secrets.token_bytes(32), secrets.token_bytes(32)
    masked = _b64(pad + bytes(a ^ b for a, b in zip(pad, secret, strict=True)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as browser, \
                httpx.AsyncClient(transport=transport, base_url="http://bench") as app_http:
            browser.cookies.set(SESSION_COOKIE, session)
            browser.cookies.set(csrf.COOKIE, _b64(secret))
            browser.headers[csrf.HEADER] = masked
            for round_ in range(repeat + 3):  # the first three warm up
                figures = await one_flow(browser, app_http, client_id)
                if round_ >= 3:
                    for step, value in zip(STEPS, figures, strict=True):
                        samples[step].append(value)
    return samples


def run(repeat: int) -> str:
    with tempfile.TemporaryDirectory() as folder:
        var_dir = Path(folder)
        env = {"DATABASE_URL": f"sqlite://{var_dir / 'bench.sqlite3'}", "SECRET_KEY": SECRET,
               "CARNET_VAR_DIR": str(var_dir), "RATE_LIMIT_PER_TOKEN": "100000/minute",
               "RATE_LIMIT_PER_ADDRESS": "100000/minute", "COST_BUDGET": "100000000/minute"}
        settings = Settings.from_env(env)
        session, client_id = asyncio.run(prepare(settings))
        results = asyncio.run(measure(settings, session, client_id, repeat))
    lines = [f"SQLite, in-process (httpx ASGI transport); Python {platform.python_version()}; "
             f"{repeat} flows.", "", "| step | median ms | p95 ms |", "|---|---|---|"]
    for step, samples in results.items():
        p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1]
        lines.append(f"| {step} | {statistics.median(samples):.2f} | {p95:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(run(args.repeat))


if __name__ == "__main__":
    main()
