"""Rate limits and persisted queries hold across two server processes sharing Redis.

Two uvicorn processes on free loopback ports; skipped, with the reason, when Redis is
not reachable (CARNET_TEST_REDIS_URL, default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.graphql.redis_support import REDIS_URL, redis_reachable
from tests.live_server import free_port, wait_until_up
from tests.migrated import copy_migrated_sqlite

pytestmark = pytest.mark.skipif(
    not redis_reachable(),
    reason=f"Redis not reachable at {REDIS_URL}: the cross-process limits are not tested")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    var_dir: Path = tmp_path_factory.mktemp("two-servers")
    prefix = f"carnet-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "CARNET_VAR_DIR": str(var_dir),
           "DATABASE_URL": f"sqlite://{var_dir / 'carnet.sqlite3'}",
           "RATE_LIMIT_STORAGE": REDIS_URL, "PERSISTED_QUERY_STORAGE": REDIS_URL,
           "RATE_LIMIT_KEY_PREFIX": prefix,
           "RATE_LIMIT_PER_ADDRESS": "5/hour", "RATE_LIMIT_PER_TOKEN": "3/hour"}
    copy_migrated_sqlite(var_dir / "carnet.sqlite3")  # `migrate` then has nothing to do
    # Both processes share one migrated database, as a deployment does.
    subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        _forget(prefix)


def _forget(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _address() -> dict[str, str]:
    """A client address of its own for each test (uvicorn trusts the loopback proxy)."""
    return {"X-Forwarded-For": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"}


def _post(url: str, payload: object, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json=payload, headers=headers, timeout=10)


def test_a_token_limit_counts_requests_made_to_either_process(two_servers):
    one, two = two_servers
    # A made-up token: counted before it is checked, so guessing tokens is rate-limited too.
    bearer = {"Authorization": f"Bearer {uuid.uuid4().hex}", **_address()}
    answers = [_post(url, {"query": "{ __typename }"}, bearer).status_code
               for url in (one, two, one)]
    assert answers == [401, 401, 401]
    for url in (two, one):
        refused = _post(url, {"query": "{ __typename }"}, bearer)
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert refused.json()["errors"][0]["extensions"]["limit"] == "token"
        assert int(refused.headers["retry-after"]) > 0


def test_a_query_registered_with_one_process_is_found_by_the_other(two_servers):
    one, two = two_servers
    query = f"query Named{uuid.uuid4().hex[:6]} {{ __typename }}"
    extension = {"persistedQuery": {"version": 1,
                                    "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}
    address = _address()
    assert _post(one, {"query": query, "extensions": extension}, address).status_code == 200
    found = httpx.get(f"{two}/graphql", params={"extensions": json.dumps(extension)},
                      headers=address, timeout=10)
    assert found.json()["data"] == {"__typename": "Query"}


def test_the_address_limit_counts_requests_made_to_either_process(two_servers):
    one, two = two_servers
    address = _address()
    statuses = [_post(url, {"query": "{ __typename }"}, address).status_code
                for url in (one, two, one, two, one)]
    assert statuses == [200] * 5
    for url in (two, one):
        refused = _post(url, {"query": "{ __typename }"}, address)
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["limit"] == "address"
    # Another address is not held back.
    assert _post(two, {"query": "{ __typename }"}, _address()).status_code == 200
