"""A burst of sign-ins holds a bounded number of password hashes and answers the rest quickly."""

import asyncio
import threading
import time

import pytest

from api.identity import passwords
from api.identity.models import AttemptThrottle
from api.identity.signin import network_key
from tests.factories import csrf_from


@pytest.fixture
def slow_hashes(monkeypatch):
    """Each password check takes 50 ms; records how many ran at once at most."""
    state = {"running": 0, "most": 0, "done": 0}
    lock = threading.Lock()
    real = passwords._verify

    def slow(stored, password):
        with lock:
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
        time.sleep(0.05)
        try:
            return real(stored, password)
        finally:
            with lock:
                state["running"] -= 1
                state["done"] += 1

    monkeypatch.setattr(passwords, "_verify", slow)
    monkeypatch.setattr(passwords, "MAX_WAITING_HASHES", 3)
    return state


async def test_the_cores_are_not_all_given_to_password_hashes():
    assert 1 <= passwords.MAX_CONCURRENT_HASHES <= 4
    assert passwords.MAX_WAITING_HASHES >= passwords.MAX_CONCURRENT_HASHES


async def test_a_burst_of_sign_ins_is_refused_past_the_queue_not_left_waiting(
        client, settings, slow_hashes):
    token = csrf_from((await client.get("/signin")).text)

    async def attempt(n):
        return await client.post("/signin", data={"csrf_token": token,
                                                  "email": f"p{n}@test.invalid",
                                                  "password": "a wrong password"})

    burst = asyncio.gather(*(attempt(n) for n in range(24)))
    # Pages that need no hash still answer while the burst is being checked.
    page = await client.get("/signin")
    assert page.status_code == 200 and not burst.done()
    answers = await burst
    statuses = [answer.status_code for answer in answers]
    assert slow_hashes["most"] <= passwords.MAX_CONCURRENT_HASHES
    assert set(statuses) == {400, 503}
    busy = [answer for answer in answers if answer.status_code == 503]
    assert busy, statuses
    assert busy[0].headers["retry-after"] == "5"
    assert "Carnet est très sollicité" in busy[0].text
    # A refused attempt was not counted, neither against its address nor its network.
    network = await AttemptThrottle.get(key_digest=network_key(settings.secret_key, "127.0.0.1"))
    assert network.failures == statuses.count(400)
    addresses = AttemptThrottle.filter(failures__gt=0).exclude(key_digest=network.key_digest)
    assert await addresses.count() == statuses.count(400)
