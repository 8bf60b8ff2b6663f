"""Persisted GET (200 and 304) against a plain POST of the same query.

``python -m bench.persisted_get [--repeat N] [--uvicorn] [--bearer]``

Builds a throw-away SQLite database with the demo records, signs Camille in (the
demo patient), and times, interleaved, the same record query sent three ways:
- a plain POST with the query text;
- a GET carrying only the persisted query's hash (answered 200 with the body);
- the same GET with the ETag of the last answer in If-None-Match (answered 304).
In-process through the ASGI app by default; `--uvicorn` runs one uvicorn process on
a free loopback port and measures over HTTP. `--bearer` sends the requests with an app's
bearer token instead of the cookie session, the app in allowlist mode with the query
registered for it (`carnet apps operations`). Prints a Markdown table (median and p95
in milliseconds, bytes of body received) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from tortoise import Tortoise

from api.db import apply_migrations, open_database
from api.demo import load_demo, load_records
from api.graphql.viewer import Viewer
from api.identity.models import Account, Patient, SessionStage
from api.identity.sessions import start_session
from api.identity.viewer import SESSION_COOKIE
from api.oauth import services, store
from api.oauth.operation_file import Operation, sha256_of
from api.oauth.operations import register_operations
from api.security import csrf
from api.settings import Settings

SECRET = "benchmark-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - throw-away
QUERY = """query Record { me { patient {
  identity { birthName firstNames birthDate }
  history(first: 20) { totalCount items { label kind onsetDate status } }
  allergies(first: 20) { items { substance severity criticality } }
  treatments(first: 20) { items { medication dose current } }
  vaccinations(first: 20) { items { vaccine { label } date doseNumber } }
  measurements(kind: WEIGHT, first: 10) { items { displayValue measuredAt } }
} } }"""
SCOPES = ("identity.read history.read allergies.read treatments.read vaccinations.read "
          "measurements.read")
PERSISTED = {"persistedQuery": {"version": 1,
                                "sha256Hash": hashlib.sha256(QUERY.encode()).hexdigest()}}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def _app_token(account: Account) -> str:
    """A token of an app in allowlist mode, with QUERY registered for it."""
    app, _ = await services.register_app(
        name="Bench", publisher="Bench", redirect_uris=["https://bench.example/cb"],
        scopes=SCOPES, confidential=False)
    await services.approve_app(app.client_id)
    await register_operations(app.client_id, [Operation("Record", QUERY, sha256_of(QUERY))],
                              allowlist=True)
    patient = await Patient.get(account_id=account.id)
    connection = await services.connect(Viewer(account=account, session=None), app, patient.id,
                                        SCOPES.split())
    token = secrets.token_urlsafe(48)
    await store.save_token({"access_token": token, "scope": connection.scopes},
                           connection.id, store.new_family())
    return token


async def prepare(settings: Settings, bearer: bool = False) -> dict[str, str]:
    """The demo database, and the cookies and header of Camille's session (or an app's
    bearer token)."""
    await apply_migrations(settings, quiet=True)
    await open_database(settings)
    try:
        await load_demo()
        await load_records(settings)
        account = await Account.get(email="camille@demo.carnet.invalid")
        if bearer:
            return {"authorization": f"Bearer {await _app_token(account)}"}
        token, _ = await start_session(settings.secret_key, account, SessionStage.ACTIVE, "bench")
    finally:
        await Tortoise.close_connections()
    secret = secrets.token_bytes(32)
    pad = secrets.token_bytes(32)
    return {"cookie": token, "csrf_cookie": _b64(secret),
            "csrf_header": _b64(pad + bytes(a ^ b for a, b in zip(pad, secret, strict=True)))}


async def measure(client: httpx.AsyncClient, session: dict[str, str], repeat: int
                  ) -> dict[str, tuple[list[float], int]]:
    if "authorization" in session:
        headers = {"Authorization": session["authorization"]}
    else:
        client.cookies.set(SESSION_COOKIE, session["cookie"])
        client.cookies.set(csrf.COOKIE, session["csrf_cookie"])
        headers = {csrf.HEADER: session["csrf_header"]}
    params = {"extensions": json.dumps(PERSISTED)}
    registered = await client.post("/graphql", json={"query": QUERY, "extensions": PERSISTED},
                                   headers=headers)
    assert "errors" not in registered.json(), registered.text
    etag = (await client.get("/graphql", params=params, headers=headers)).headers["etag"]

    async def post() -> httpx.Response:
        return await client.post("/graphql", json={"query": QUERY}, headers=headers)

    async def get_200() -> httpx.Response:
        return await client.get("/graphql", params=params, headers=headers)

    async def get_304() -> httpx.Response:
        return await client.get("/graphql", params=params,
                                headers={**headers, "If-None-Match": etag})

    ways: dict[str, tuple[Callable[[], Awaitable[httpx.Response]], int]] = {
        "POST, query text": (post, 200),
        "GET, persisted hash": (get_200, 200),
        "GET, persisted hash + If-None-Match": (get_304, 304),
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    sizes: dict[str, int] = {}
    for round_ in range(repeat + 5):  # the first five warm up
        for name, (send, status) in ways.items():
            start = time.perf_counter_ns()
            response = await send()
            elapsed = (time.perf_counter_ns() - start) / 1e6
            assert response.status_code == status, (name, response.status_code, response.text)
            sizes[name] = len(response.content)
            if round_ >= 5:
                samples[name].append(elapsed)
    return {name: (samples[name], sizes[name]) for name in ways}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(repeat: int, over_uvicorn: bool, bearer: bool = False) -> str:
    with tempfile.TemporaryDirectory() as folder:
        var_dir = Path(folder)
        # The limits are raised: the bench measures time, not refusals.
        env = {"DATABASE_URL": f"sqlite://{var_dir / 'bench.sqlite3'}", "SECRET_KEY": SECRET,
               "CARNET_VAR_DIR": str(var_dir), "RATE_LIMIT_PER_TOKEN": "100000/minute",
               "RATE_LIMIT_PER_ADDRESS": "100000/minute", "COST_BUDGET": "100000000/minute"}
        settings = Settings.from_env(env)
        session = asyncio.run(prepare(settings, bearer))
        if over_uvicorn:
            results = _over_uvicorn(env, session, repeat)
            where = "one uvicorn process over loopback HTTP"
        else:
            results = asyncio.run(_in_process(settings, session, repeat))
            where = "in-process (httpx ASGI transport)"
    caller = "an allowlisted app's bearer token" if bearer else "a cookie session"
    lines = [
        f"SQLite, demo patient's record query, {where}, {caller}; "
        f"Python {platform.python_version()}; {repeat} interleaved runs per row.", "",
        "| request | median ms | p95 ms | body bytes |", "|---|---|---|---|",
    ]
    for name, (samples, size) in results.items():
        p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1]
        lines.append(f"| {name} | {statistics.median(samples):.2f} | {p95:.2f} | {size} |")
    return "\n".join(lines)


async def _in_process(settings: Settings, session: dict[str, str], repeat: int
                      ) -> dict[str, tuple[list[float], int]]:
    from web.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            return await measure(client, session, repeat)


def _over_uvicorn(env: dict[str, str], session: dict[str, str], repeat: int
                  ) -> dict[str, tuple[list[float], int]]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"], env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        return asyncio.run(_over_http(url, session, repeat))
    finally:
        server.terminate()
        server.wait(timeout=10)


async def _over_http(url: str, session: dict[str, str], repeat: int
                     ) -> dict[str, tuple[list[float], int]]:
    async with httpx.AsyncClient(base_url=url) as client:
        return await measure(client, session, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--uvicorn", action="store_true", help="measure over HTTP")
    parser.add_argument("--bearer", action="store_true",
                        help="an allowlisted app's bearer token instead of a cookie session")
    args = parser.parse_args()
    print(run(args.repeat, args.uvicorn, args.bearer))


if __name__ == "__main__":
    main()
