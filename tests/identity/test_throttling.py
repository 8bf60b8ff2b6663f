"""Failed sign-ins slow down the address typed, in the database, so every process sees it."""

import asyncio
import html
import re
from datetime import timedelta

import httpx
import pytest

from api import clock
from api.identity import passwords
from api.identity.models import AttemptThrottle
from api.identity.signin import password_key
from api.identity.throttle import FREE_ATTEMPTS, MAX_COUNTED
from tests.factories import PASSWORD, csrf_from, make_patient
from web.app import create_app

pytestmark = pytest.mark.usefixtures("still_clock")

KNOWN, UNKNOWN = "a@test.invalid", "nobody@test.invalid"
WRONG = "wrong password here"


async def _attempt(client, password, email=KNOWN):
    token = csrf_from((await client.get("/signin")).text)
    return await client.post("/signin", data={"csrf_token": token, "email": email,
                                              "password": password})


def _alert(response):
    match = re.search(r'role="alert">([^<]*)<', response.text)
    return html.unescape(match.group(1)) if match else None


def _answer(response):
    """What the person (or a script) notices: status, message, how long to wait."""
    return response.status_code, _alert(response), response.headers.get("retry-after")


def _page_without_echoes(response, email):
    """The page with the per-render CSRF masks and the address typed taken out."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", response.text)
    text = re.sub(r'"X-CSRF-Token": "[^"]*"', "", text)
    return text.replace(html.escape(email, quote=True), "EMAIL")


@pytest.fixture
def hashes_verified(monkeypatch):
    """How many times a password was checked against a hash (the slow part of a sign-in)."""
    calls = {"n": 0}
    real = passwords._verify

    def counted(stored, password):
        calls["n"] += 1
        return real(stored, password)

    monkeypatch.setattr(passwords, "_verify", counted)
    return calls


async def test_failures_counted_by_one_instance_throttle_the_other(settings, db):
    await make_patient(email=KNOWN)
    first, second = create_app(settings, manage_database=False), create_app(settings,
                                                                           manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first),
                                 base_url="http://one") as one, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=second),
                              base_url="http://two") as two:
        for index in range(5):
            response = await _attempt(one if index % 2 else two, WRONG)
            assert response.status_code == 400
        # Even the right password waits now, on either instance.
        throttled = await _attempt(two, PASSWORD)
        assert throttled.status_code == 429
        assert int(throttled.headers["retry-after"]) == 30
        assert "Attendez 30 secondes" in throttled.text
        with clock.frozen_at(clock.now() + timedelta(seconds=31)):
            assert (await _attempt(one, PASSWORD)).status_code == 303


async def test_the_right_password_alone_does_not_reset_the_count(client):
    await make_patient(email=KNOWN)
    for _ in range(4):
        assert (await _attempt(client, WRONG)).status_code == 400
    assert (await _attempt(client, PASSWORD)).status_code == 303
    client.cookies.clear()
    # Without the second factor the four failures still count: the fifth locks.
    assert (await _attempt(client, WRONG)).status_code == 400
    assert (await _attempt(client, PASSWORD)).status_code == 429


async def test_an_unknown_address_is_throttled_exactly_like_a_known_one(client):
    await make_patient(email=KNOWN)
    answers, pages = {}, {}
    for email in (KNOWN, UNKNOWN):
        responses = [await _attempt(client, WRONG, email) for _ in range(7)]
        answers[email] = [_answer(response) for response in responses]
        pages[email] = [_page_without_echoes(response, email) for response in responses]
    assert answers[KNOWN] == answers[UNKNOWN]
    assert pages[KNOWN] == pages[UNKNOWN]
    assert [status for status, _, _ in answers[KNOWN]] == [400] * 5 + [429, 429]
    assert answers[KNOWN][0] == (400, "L'adresse e-mail ou le mot de passe est erroné.", None)
    assert answers[KNOWN][5][1] == ("Trop de tentatives échouées. Attendez 30 secondes, "
                                    "puis réessayez.")
    assert answers[KNOWN][5][2] == "30"
    # The address is compared as typed once normalised: case and spaces do not dodge the count.
    assert (await _attempt(client, WRONG, "  NOBODY@Test.Invalid ")).status_code == 429


async def test_known_and_unknown_addresses_cost_one_password_hash_each(client, hashes_verified):
    await make_patient(email=KNOWN)
    for email, password in ((KNOWN, WRONG), (UNKNOWN, WRONG), (KNOWN, PASSWORD),
                            (UNKNOWN, PASSWORD)):
        before = hashes_verified["n"]
        await _attempt(client, password, email)
        assert hashes_verified["n"] - before == 1, (email, password)
        client.cookies.clear()


async def test_a_throttled_attempt_costs_no_hash_for_anyone(client, hashes_verified):
    await make_patient(email=KNOWN)
    for email in (KNOWN, UNKNOWN):
        for _ in range(FREE_ATTEMPTS):
            await _attempt(client, WRONG, email)
        before = hashes_verified["n"]
        assert (await _attempt(client, PASSWORD, email)).status_code == 429
        assert hashes_verified["n"] == before


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
async def test_a_burst_of_parallel_wrong_passwords_cannot_outrun_the_lock(
        client, settings, hashes_verified, email):
    await make_patient(email=KNOWN)
    token = csrf_from((await client.get("/signin")).text)

    async def wrong():
        return await client.post("/signin", data={"csrf_token": token, "email": email,
                                                  "password": WRONG})

    answers = await asyncio.gather(*(wrong() for _ in range(100)))
    statuses = [answer.status_code for answer in answers]
    # The lock is taken before the hash: only the free attempts reach it.
    assert hashes_verified["n"] <= FREE_ATTEMPTS
    assert statuses.count(400) <= FREE_ATTEMPTS
    assert set(statuses) <= {400, 429}
    answer = await _attempt(client, PASSWORD, email)
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    row = await AttemptThrottle.get(key_digest=password_key(settings.secret_key, email))
    assert row.failures == statuses.count(400)


@pytest.mark.parametrize("failures", [50, 64, 1000, 10**6])
async def test_a_long_attack_keeps_the_account_locked_for_an_hour(client, settings, failures):
    await make_patient(email=KNOWN)
    # The previous lock just ran out: one more attempt is allowed, then an hour's wait.
    await AttemptThrottle.create(key_digest=password_key(settings.secret_key, KNOWN),
                                 failures=failures, locked_until=None,
                                 last_attempt_at=clock.now())
    assert (await _attempt(client, WRONG)).status_code == 400
    refused = await _attempt(client, PASSWORD)
    assert refused.status_code == 429
    assert 3590 <= int(refused.headers["retry-after"]) <= 3600
    row = await AttemptThrottle.get(key_digest=password_key(settings.secret_key, KNOWN))
    assert row.failures == min(failures + 1, MAX_COUNTED)


async def test_an_address_left_alone_for_a_day_starts_again(client):
    await make_patient(email=KNOWN)
    for _ in range(FREE_ATTEMPTS):
        await _attempt(client, WRONG)
    with clock.frozen_at(clock.now() + timedelta(days=1, minutes=1)):
        for _ in range(FREE_ATTEMPTS - 1):
            assert (await _attempt(client, WRONG)).status_code == 400
        assert (await _attempt(client, PASSWORD)).status_code == 303
