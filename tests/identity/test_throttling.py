"""Failed sign-ins slow down an account, in the database, so every process sees it."""

from datetime import timedelta

import httpx

from api import clock
from api.identity.signin import delay_after
from tests.factories import PASSWORD, csrf_from, make_patient
from web.app import create_app


async def _attempt(client, password):
    token = csrf_from((await client.get("/signin")).text)
    return await client.post("/signin", data={"csrf_token": token, "email": "a@test.invalid",
                                              "password": password})


def test_the_delay_starts_after_five_failures_and_doubles():
    assert [delay_after(n).total_seconds() for n in range(4, 9)] == [0, 30, 60, 120, 240]
    assert delay_after(40) == timedelta(hours=1)


async def test_failures_counted_by_one_instance_throttle_the_other(settings, db):
    await make_patient(email="a@test.invalid")
    first, second = create_app(settings, manage_database=False), create_app(settings,
                                                                           manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first),
                                 base_url="http://one") as one, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=second),
                              base_url="http://two") as two:
        for index in range(5):
            response = await _attempt(one if index % 2 else two, "wrong password here")
            assert response.status_code == 400
        # Even the right password waits now, on either instance.
        throttled = await _attempt(two, PASSWORD)
        assert throttled.status_code == 429
        assert int(throttled.headers["retry-after"]) == 30
        assert "Attendez 30 secondes" in throttled.text
        with clock.frozen_at(clock.now() + timedelta(seconds=31)):
            assert (await _attempt(one, PASSWORD)).status_code == 303


async def test_a_successful_sign_in_resets_the_count(client):
    await make_patient(email="a@test.invalid")
    for _ in range(4):
        await _attempt(client, "wrong password here")
    assert (await _attempt(client, PASSWORD)).status_code == 303
    from api.identity.models import Account
    assert (await Account.get(email="a@test.invalid")).failed_attempts == 4  # second step pending
