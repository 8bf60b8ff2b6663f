"""A script trying address after address from one network is slowed; a busy clinic is not."""

import httpx
import pytest

from api.identity import passwords
from api.identity.signin import network_key
from api.identity.throttle import NETWORK
from tests.factories import PASSWORD, csrf_from, make_patient

pytestmark = pytest.mark.usefixtures("still_clock")

WRONG = "a wrong password"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """These tests count attempts by the dozen; the hash itself is tested elsewhere."""
    monkeypatch.setattr(passwords, "_verify", lambda stored, password: password == PASSWORD)


async def _client(app, ip):
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _attempt(client, email, password=WRONG):
    token = csrf_from((await client.get("/signin")).text)
    response = await client.post("/signin", data={"csrf_token": token, "email": email,
                                                  "password": password})
    client.cookies.delete("carnet_session")
    return response


async def test_many_addresses_from_one_network_are_slowed_down(app, db):
    async with await _client(app, "203.0.113.7") as script, \
            await _client(app, "198.51.100.20") as elsewhere:
        for n in range(NETWORK.free):
            assert (await _attempt(script, f"guess{n}@test.invalid")).status_code == 400
        refused = await _attempt(script, "one-more@test.invalid")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "10"
        assert "Attendez 10 secondes" in refused.text
        # Another network is not affected, and the refused address was not counted.
        assert (await _attempt(elsewhere, "one-more@test.invalid")).status_code == 400


async def test_successful_sign_ins_behind_one_address_do_not_count(app, db):
    await make_patient(email="nurse@test.invalid")
    async with await _client(app, "203.0.113.8") as clinic:
        for n in range(NETWORK.free - 5):
            assert (await _attempt(clinic, f"typo{n}@test.invalid")).status_code == 400
        for _ in range(10):
            assert (await _attempt(clinic, "nurse@test.invalid", PASSWORD)).status_code == 303
        for n in range(5):
            assert (await _attempt(clinic, f"late{n}@test.invalid")).status_code == 400
        assert (await _attempt(clinic, "nurse@test.invalid", PASSWORD)).status_code == 429


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2001:db8:1:2::10", "2001:db8:1:2:ffff::1", True),  # one /64: one household
        ("2001:db8:1:2::10", "2001:db8:1:3::10", False),
        ("192.0.2.1", "192.0.2.2", False),
        ("::ffff:192.0.2.1", "192.0.2.1", True),
    ],
)
def test_an_ipv6_network_counts_as_one_client(one, other, same):
    assert (network_key("k", one) == network_key("k", other)) is same


def test_a_client_without_an_address_has_no_network_count():
    assert network_key("k", "") is None and network_key("k", "testclient") is None
