"""The development server's clock, which browser tests read and move forward to reach a
later authenticator step without waiting: it moves only forward, never in production."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import httpx
import pytest

from api import clock
from api.identity.models import Account
from api.security import csrf
from tests.factories import make_patient, sign_in
from web.app import create_app


@pytest.fixture
def real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test does to the clock is undone after it."""
    monkeypatch.setattr(clock, "_ahead", timedelta(0))


async def _csrf_token(client: httpx.AsyncClient, settings) -> str:
    patient = await make_patient(email="a@test.invalid")
    return await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)


async def test_the_development_clock_moves_forward_and_the_server_reads_it(
        client, settings, real_clock):
    before = datetime.fromisoformat((await client.get("/dev/clock")).json()["now"])
    token = await _csrf_token(client, settings)
    moved = await client.post("/dev/clock", data={"seconds": "90"},
                              headers={csrf.HEADER: token})
    assert moved.status_code == 200
    after = datetime.fromisoformat((await client.get("/dev/clock")).json()["now"])
    assert timedelta(seconds=90) <= after - before < timedelta(seconds=100)
    assert clock.now() - after < timedelta(seconds=10)


@pytest.mark.parametrize("seconds", ["0", "-30", "3601", "²", "soon"])
async def test_the_clock_never_moves_back_nor_far(client, settings, real_clock, seconds):
    token = await _csrf_token(client, settings)
    answer = await client.post("/dev/clock", data={"seconds": seconds},
                               headers={csrf.HEADER: token})
    assert answer.status_code == 400
    assert abs(clock.now() - datetime.now(clock.UTC)) < timedelta(seconds=10)


async def test_production_has_no_clock_to_read_or_move(settings, db, real_clock):
    app = create_app(dataclasses.replace(settings, env="production"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://testserver") as http:
        token = await _csrf_token(http, settings)
        assert (await http.get("/dev/clock")).status_code == 404
        moved = await http.post("/dev/clock", data={"seconds": "60"},
                                headers={csrf.HEADER: token})
        assert moved.status_code == 404
    assert abs(clock.now() - datetime.now(clock.UTC)) < timedelta(seconds=10)
