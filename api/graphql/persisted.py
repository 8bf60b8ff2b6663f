"""Automatic persisted queries: a client sends a query's SHA-256 instead of its text.

The convention of Apollo's clients: `extensions.persistedQuery = {version: 1,
sha256Hash}`. An unknown hash answers PERSISTED_QUERY_NOT_FOUND; the client then sends
the hash with the query, which is checked against the hash and kept. The store is
bounded: an LRU of PERSISTED_QUERY_ENTRIES per process, or Redis with a time to live.

The operations registered for an app (api.oauth.operations) are known to its tokens
without a round trip; an app in allowlist mode may run those only (`operation_allowed`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from typing import Any, Protocol

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

log = logging.getLogger(__name__)

PERSISTED_QUERY_ENTRIES = 1000
# Longer texts run but are not kept (the client keeps sending them whole).
PERSISTED_QUERY_MAX_LENGTH = 20_000
PERSISTED_QUERY_TTL_SECONDS = 7 * 24 * 3600
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryStore(Protocol):
    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...


class MemoryPersistedQueries:
    """The most recently used queries of this process, at most `entries` of them."""

    def __init__(self, entries: int = PERSISTED_QUERY_ENTRIES) -> None:
        self.entries = entries
        self._queries: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        query = self._queries.get(sha256)
        if query is not None:
            self._queries.move_to_end(sha256)
        return query

    async def put(self, sha256: str, query: str) -> None:
        self._queries[sha256] = query
        self._queries.move_to_end(sha256)
        while len(self._queries) > self.entries:
            self._queries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._queries)


class RedisPersistedQueries:
    """Shared by every server process; each entry expires unused after a week."""

    def __init__(self, url: str, prefix: str) -> None:
        # redis-py loads here, not at the server's start (about 0.1 s): only a server given
        # a Redis URI needs it.
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.prefix = f"{prefix}:apq:"

    async def get(self, sha256: str) -> str | None:
        key = self.prefix + sha256
        value = await self.redis.get(key)
        if value is None:
            return None
        await self.redis.expire(key, PERSISTED_QUERY_TTL_SECONDS)
        return value.decode() if isinstance(value, bytes) else str(value)

    async def put(self, sha256: str, query: str) -> None:
        await self.redis.set(self.prefix + sha256, query, ex=PERSISTED_QUERY_TTL_SECONDS)


def store_from_uri(uri: str, prefix: str) -> PersistedQueryStore:
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisPersistedQueries(uri, prefix)
    return MemoryPersistedQueries()


class AppOperations(Protocol):
    """The operations registered for the app behind a bearer request (api.oauth.operations).

    ``allowlist`` on: the app may run those operations only.
    """

    allowlist: bool

    async def query_for(self, sha256: str) -> str | None: ...


async def operation_allowed(app_operations: AppOperations | None, sha256: str) -> bool:
    """Whether this caller may run the operation with this hash: the one place it is decided.

    Browser sessions, anonymous requests and apps not in allowlist mode may run any
    operation; an app in allowlist mode only those registered for it.
    """
    if app_operations is None or not app_operations.allowlist:
        return True
    return await app_operations.query_for(sha256) is not None


_NOT_ALLOWED = ("This operation is not registered for this app (allowlist mode).",
                "PERSISTED_QUERY_NOT_ALLOWED")


def _refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


async def resolve_persisted_query(
    request: GraphQLRequestData, store: PersistedQueryStore,
    app_operations: AppOperations | None = None,
) -> ExecutionResult | None:
    """Fill in the query text of a persisted query; the refusal when it cannot be (or when
    an app in allowlist mode sends an operation not registered for it)."""
    extensions: dict[str, Any] = request.extensions or {}
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        if request.query is not None \
                and not await operation_allowed(app_operations, sha256_of(request.query)):
            return _refusal(*_NOT_ALLOWED)
        return None
    sha256 = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(persisted, dict) or persisted.get("version") != 1 \
            or not isinstance(sha256, str) or not _SHA256.match(sha256):
        return _refusal("persistedQuery needs version 1 and a sha256Hash in lowercase hex.",
                        "PERSISTED_QUERY_INVALID")
    if request.query is not None:
        if sha256_of(request.query) != sha256:
            return _refusal("The sha256Hash does not match the query.",
                            "PERSISTED_QUERY_HASH_MISMATCH")
        if not await operation_allowed(app_operations, sha256):
            return _refusal(*_NOT_ALLOWED)
        if len(request.query) <= PERSISTED_QUERY_MAX_LENGTH:
            try:
                await store.put(sha256, request.query)
            except Exception as error:
                log.warning("persisted-query store unreachable (%s)", error)
        return None
    request.query = await _known_query(sha256, store, app_operations)
    if request.query is not None:
        return None
    if not await operation_allowed(app_operations, sha256):
        return _refusal(*_NOT_ALLOWED)
    return _refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")


async def _known_query(sha256: str, store: PersistedQueryStore,
                       app_operations: AppOperations | None) -> str | None:
    """The text of a hash: the app's registered operations first in allowlist mode (nothing
    else may run), the shared store first otherwise (no database lookup on a hit)."""
    if app_operations is not None and app_operations.allowlist:
        return await app_operations.query_for(sha256)
    try:
        query = await store.get(sha256)
    except Exception as error:  # an unreachable store: the client sends the text again
        log.warning("persisted-query store unreachable (%s)", error)
        query = None
    if query is None and app_operations is not None:
        query = await app_operations.query_for(sha256)
    return query
