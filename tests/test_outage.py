"""While the database cannot be reached: 503, Retry-After, UNAVAILABLE; then back by itself.

The outage is real on each backend: on PostgreSQL the connection pool is closed and
the client pointed at a port where nothing listens (or every backend is killed); on
SQLite the connection is closed and the file cannot be opened again. Restoring the
address ends the outage without restarting the app.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import asyncpg
import pytest
from starlette.routing import Route
from tortoise import connections

from api.identity.models import Account
from api.outage import RETRY_AFTER_SECONDS, is_database_outage
from api.records.entries.models import Allergy
from api.settings import Settings
from tests.conftest import POSTGRES_ADMIN_URL
from tests.factories import make_patient, sign_in

ME = "{ me { account { email } } }"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket goes


@asynccontextmanager
async def database_unreachable(settings: Settings) -> AsyncIterator[None]:
    client = connections.get("default")
    await client.close()
    if settings.is_sqlite:
        saved = ("filename", client.filename)
        client.filename = str(settings.var_dir / "no-such-folder" / "carnet.sqlite3")
    else:
        saved = ("port", client.port)
        client.port = _closed_port()
    try:
        yield
    finally:
        await client.close()
        setattr(client, *saved)


async def _signed_in(client, settings: Settings) -> str:
    patient = await make_patient(email="outage@test.invalid")
    return await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)


def _assert_unavailable(response, language: str = "fr") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert ("moment" if language == "en" else "instant") in error["message"]


async def test_graphql_answers_503_while_the_session_cannot_be_loaded(client, settings):
    token = await _signed_in(client, settings)
    async with database_unreachable(settings):
        refused = await client.post("/graphql", json={"query": ME}, headers={"x-csrf-token": token})
        client.cookies.set("carnet_lang", "en")
        in_english = await client.post("/graphql", json={"query": ME},
                                       headers={"x-csrf-token": token})
    _assert_unavailable(refused)
    _assert_unavailable(in_english, "en")


async def test_an_outage_while_the_query_runs_answers_503_and_not_a_masked_error(
        app, client, settings, monkeypatch):
    token = await _signed_in(client, settings)
    endpoint = next(r.app for r in app.routes if isinstance(r, Route) and r.path == "/graphql")
    load_context = endpoint.get_context
    async with AsyncExitStack() as outage:

        async def context_then_outage(request, response):  # type: ignore[no-untyped-def]
            context = await load_context(request, response)
            await outage.enter_async_context(database_unreachable(settings))
            return context

        monkeypatch.setattr(endpoint, "get_context", context_then_outage)
        query = "{ me { account { email } patient { allergies { totalCount } } } }"
        response = await client.post("/graphql", json={"query": query},
                                     headers={"x-csrf-token": token})
    _assert_unavailable(response)
    assert "Unexpected error" not in response.text


async def test_pages_answer_a_short_try_again_page_in_french_and_english(client, settings):
    await _signed_in(client, settings)
    async with database_unreachable(settings):
        french = await client.get("/patient")
        client.cookies.set("carnet_lang", "en")
        english = await client.get("/patient")
    for page, words in ((french, "Réessayez dans un instant"), (english, "Try again in a moment")):
        assert page.status_code == 503
        assert page.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
        assert page.headers["content-type"].startswith("text/html")
        assert words in page.text


async def test_healthz_says_unavailable_with_a_retry_delay(client, settings):
    async with database_unreachable(settings):
        down = await client.get("/healthz")
    assert (down.status_code, down.headers["retry-after"]) == (503, str(RETRY_AFTER_SECONDS))
    assert (await client.get("/healthz")).json() == {"status": "ok", "database": "up"}


async def test_the_app_answers_normally_once_the_database_is_back(client, settings):
    token = await _signed_in(client, settings)
    async with database_unreachable(settings):
        _assert_unavailable(await client.post("/graphql", json={"query": ME},
                                              headers={"x-csrf-token": token}))
        assert (await client.get("/patient")).status_code == 503
    back = await client.post("/graphql", json={"query": ME}, headers={"x-csrf-token": token})
    assert back.status_code == 200
    assert back.json()["data"]["me"]["account"]["email"] == "outage@test.invalid"
    assert (await client.get("/patient", follow_redirects=False)).status_code in (200, 303)


async def test_killed_postgresql_connections_cost_a_few_503s_then_reconnect(client, settings):
    if settings.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite has no server whose connections can be killed")
    token = await _signed_in(client, settings)
    assert (await client.post("/graphql", json={"query": ME},
                              headers={"x-csrf-token": token})).status_code == 200
    killed = await _kill_backends(settings)
    assert killed >= 1
    statuses = []
    for _ in range(8):  # at most one 503 per pooled connection the server killed
        response = await client.post("/graphql", json={"query": ME},
                                     headers={"x-csrf-token": token})
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        _assert_unavailable(response)
    assert statuses[-1] == 200, statuses


ADD = ("mutation($p: ID!, $s: String!) { addAllergy(input: {patientId: $p, substance: $s}) "
       "{ allergy { substance } } }")


async def _kill_backends(settings: Settings) -> int:
    name = settings.database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL.replace("postgres://", "postgresql://", 1))
    try:
        killed: int = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
    finally:
        await admin.close()
    return killed


async def test_no_acknowledged_write_is_lost_when_connections_are_killed_under_writers(
        client, settings):
    if settings.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite has no server whose connections can be killed")
    patient = await make_patient(email="writer@test.invalid")
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)

    async def write(substance: str) -> tuple[str, int]:
        response = await client.post("/graphql", headers={"x-csrf-token": token}, json={
            "query": ADD, "variables": {"p": str(patient.id), "s": substance}})
        if response.status_code != 200:
            _assert_unavailable(response)
        else:
            assert response.json()["data"]["addAllergy"]["allergy"]["substance"] == substance
        return substance, response.status_code

    async def kill_three_times() -> None:
        for _ in range(3):
            await asyncio.sleep(0.05)
            await _kill_backends(settings)

    outcomes, _ = await asyncio.gather(
        asyncio.gather(*(write(f"During {number}") for number in range(32))), kill_three_times())
    # The app goes on without a restart: pooled connections killed but not yet seen
    # closed cost a 503 each, then the app answers normally again.
    statuses = [(await write(f"After {attempt}"))[1] for attempt in range(8)]
    assert statuses[-1] == 200, statuses
    acknowledged = {substance for substance, status in outcomes if status == 200}
    rows = await _when_reachable(
        lambda: Allergy.filter(patient_id=patient.id))
    saved = [row.substance for row in rows if row.substance.startswith("During")]
    assert len(saved) == len(set(saved))  # no write saved twice
    assert acknowledged <= set(saved) <= {substance for substance, _ in outcomes}


async def _when_reachable(read):  # type: ignore[no-untyped-def]
    """The test's own reads meet the same killed connections as the app's."""
    for _ in range(10):
        try:
            return await read()
        except Exception as error:
            if not is_database_outage(error):
                raise
            await asyncio.sleep(0.05)
    return await read()
