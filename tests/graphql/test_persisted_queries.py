"""Automatic persisted queries: register with hash and text, then send the hash alone."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from api.graphql.persisted import (
    PERSISTED_QUERY_MAX_LENGTH,
    MemoryPersistedQueries,
    RedisPersistedQueries,
    operation_allowed,
)
from tests.graphql.callers import Caller, codes
from tests.graphql.redis_support import REDIS_URL, redis_reachable

QUERY = "query Viewer { me { account { email } } }"


def persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1,
                               "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


async def test_a_hash_unknown_to_the_server_is_not_found(caller: Caller):
    for response in (await caller.post({"extensions": persisted(QUERY)}),
                     await caller.get(extensions=persisted(QUERY))):
        assert response.status_code == 200
        assert codes(response.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert response.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_a_query_sent_with_its_hash_is_then_found_by_the_hash_alone(caller: Caller):
    registered = await caller.query(QUERY, extensions=persisted(QUERY))
    assert "errors" not in registered.json()
    by_post = await caller.post({"extensions": persisted(QUERY)})
    by_get = await caller.get(extensions=persisted(QUERY))
    assert by_post.json()["data"] == by_get.json()["data"] == registered.json()["data"]
    if caller.signed_in:
        assert by_get.json()["data"]["me"]["account"]["email"].endswith("@test.invalid")


async def test_a_hash_that_does_not_match_its_query_is_refused_and_not_kept(caller: Caller):
    other = persisted("query Other { __typename }")
    refused = await caller.query(QUERY, extensions=other)
    assert codes(refused.json()) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert refused.json()["data"] is None
    assert codes((await caller.post({"extensions": other})).json()) == [
        "PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize("extension", [
    {"version": 2, "sha256Hash": "0" * 64},
    {"version": 1, "sha256Hash": "not-a-hash"},
    {"version": 1, "sha256Hash": "A" * 64},
    {"version": 1},
    "a string",
])
async def test_a_malformed_persisted_query_is_refused(caller: Caller, extension: Any):
    response = await caller.post({"extensions": {"persistedQuery": extension}})
    assert codes(response.json()) == ["PERSISTED_QUERY_INVALID"]


async def test_a_persisted_mutation_is_refused_over_get(caller: Caller):
    mutation = 'mutation { markNotificationsRead(ids: ["1"]) { userErrors { code } } }'
    await caller.query(mutation, extensions=persisted(mutation))
    response = await caller.get(extensions=persisted(mutation))
    assert response.status_code == 400
    assert "not allowed when using GET" in response.text


async def test_the_memory_store_forgets_the_least_recently_used_query():
    store = MemoryPersistedQueries(entries=2)
    await store.put("a", "query A { __typename }")
    await store.put("b", "query B { __typename }")
    assert await store.get("a") is not None  # "b" is now the least recently used
    await store.put("c", "query C { __typename }")
    assert len(store) == 2
    assert await store.get("b") is None
    assert await store.get("a") == "query A { __typename }"


async def test_a_query_longer_than_the_store_keeps_runs_but_is_not_kept(caller: Caller):
    padding = "#" + "x" * PERSISTED_QUERY_MAX_LENGTH + "\n"
    long_query = padding + "{ __typename }"
    answered = await caller.query(long_query, extensions=persisted(long_query))
    assert answered.json()["data"] == {"__typename": "Query"}
    again = await caller.post({"extensions": persisted(long_query)})
    assert codes(again.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_every_hash_is_allowed_to_callers_without_an_allowlist():
    assert await operation_allowed(None, "0" * 64)


@pytest.mark.skipif(not redis_reachable(), reason=f"Redis not reachable at {REDIS_URL}")
async def test_queries_kept_in_redis_are_found_by_every_process():
    prefix = f"carnet-test-{uuid.uuid4().hex[:8]}"
    one, two = RedisPersistedQueries(REDIS_URL, prefix), RedisPersistedQueries(REDIS_URL, prefix)
    sha = hashlib.sha256(QUERY.encode()).hexdigest()
    await one.put(sha, QUERY)
    try:
        assert await two.get(sha) == QUERY
        assert 0 < await two.redis.ttl(two.prefix + sha) <= 7 * 24 * 3600
    finally:
        await one.redis.delete(one.prefix + sha)
        await one.redis.aclose()
        await two.redis.aclose()


async def test_an_unreachable_store_still_answers_queries_sent_with_their_text(
        limited_client, settings):
    client = limited_client(persisted_query_storage="redis://127.0.0.1:1/0")
    caller = Caller("anonymous", client)
    query = "query Unreachable { __typename }"
    answered = await caller.query(query, extensions=persisted(query))
    assert answered.json()["data"] == {"__typename": "Query"}
    alone = await caller.post({"extensions": persisted(query)})
    assert codes(alone.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
