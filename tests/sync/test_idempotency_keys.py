"""The key table itself: its unique constraint decides races; keys are per person and app."""

from __future__ import annotations

import asyncio
import hashlib
import json
from types import SimpleNamespace

import pytest
from tortoise.transactions import in_transaction

from api.sync.idempotency import Claim, KeyTaken, claim_for, input_hash, store_key
from api.sync.models import IdempotencyKey
from tests.factories import make_patient


async def _account_id() -> int:
    patient = await make_patient()
    assert patient.account_id is not None
    return patient.account_id


async def test_a_second_open_transaction_waits_for_the_key_then_is_refused(db):
    claim = Claim(await _account_id(), "", "race", "addAllergy", "digest", "plain digest")
    stored, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with in_transaction() as connection:
            await store_key(claim, connection, "Allergy", 1)
            stored.set()
            await release.wait()

    async def second() -> None:
        await stored.wait()
        async with in_transaction() as connection:
            await store_key(claim, connection, "Allergy", 2)

    holder, late = asyncio.create_task(first()), asyncio.create_task(second())
    await stored.wait()
    await asyncio.sleep(0.3)
    assert not late.done()  # no check-then-insert: it waits on the uncommitted key
    release.set()
    await holder
    with pytest.raises(KeyTaken):
        await late
    assert [key.result_id for key in await IdempotencyKey.all()] == [1]


async def test_one_key_is_independent_per_app_and_per_person(db):
    alice, bruno = await _account_id(), await _account_id()
    claims = [Claim(account, app, "k", "addAllergy", "d", "p")
              for account, app in ((alice, ""), (alice, "app-1"), (alice, "app-2"),
                                   (bruno, "app-1"))]
    for number, claim in enumerate(claims, start=1):
        async with in_transaction() as connection:
            await store_key(claim, connection, "Allergy", number)
    with pytest.raises(KeyTaken):
        async with in_transaction() as connection:
            await store_key(claims[1], connection, "Allergy", 99)
    assert await IdempotencyKey.all().count() == 4


def test_the_input_hash_ignores_the_order_of_fields_but_not_their_values():
    secret = "a-secret-key-for-the-test-0123456789-abcdef"
    same = input_hash("addAllergy", {"b": "x", "a": 1}, secret)
    assert input_hash("addAllergy", {"a": 1, "b": "x"}, secret) == same
    assert input_hash("addAllergy", {"a": 1}, secret) != input_hash("addAllergy", {"a": 2}, secret)
    assert (input_hash("addAllergy", {"a": 1}, secret)
            != input_hash("addTreatment", {"a": 1}, secret))
    # Keyed: without the server's secret, a guessed input cannot be checked against it.
    assert input_hash("addAllergy", {"a": 1}, secret) != input_hash("addAllergy", {"a": 1},
                                                                     secret + "x")
    plain = hashlib.sha256(json.dumps({"operation": "addAllergy", "input": {"a": 1}},
                                      sort_keys=True).encode()).hexdigest()
    assert input_hash("addAllergy", {"a": 1}, secret) != plain


def test_a_claim_is_keyed_on_the_app_the_request_comes_through():
    class Viewer:
        account_id = 7

    class Context:
        app: object = None
        settings = SimpleNamespace(secret_key="a-secret-key-for-the-test-0123456789-abcdef")

        def require_viewer(self) -> Viewer:
            return Viewer()

    site, through_app = Context(), Context()
    through_app.app = SimpleNamespace(client_id="mobile-app")
    claims = [claim_for(SimpleNamespace(context=c), "k", "addAllergy", {})  # type: ignore[arg-type]
              for c in (site, through_app)]
    assert [(c.account_id, c.client_id) for c in claims if c] == [(7, ""), (7, "mobile-app")]
