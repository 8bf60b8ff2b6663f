"""Idempotency keys: a creation retried with the same key writes once, then replays.

A client sends an optional key with a create mutation. The creation stores the key (with the
person, the app, a hash of the input and the created item) in the transaction that writes the
item: the unique constraint on (account, client, key) decides between two requests racing
with one key. The loser's transaction rolls back, so it wrote nothing; it then reads the
winner's key and answers with the same item, or refuses the key when the input differs.
A key lives 24 hours; after that the same key starts a new creation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, TypeVar

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from api import clock
from api.graphql.context import Context, Info
from api.graphql.errors import CarnetError
from api.identity.tokens import digest, same_digest
from api.sync.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 200
T = TypeVar("T")

# The optional argument of every create mutation.
IdempotencyKeyArgument = Annotated[str | None, strawberry.argument(description=(
    "Any unique string (a UUID) chosen by the client for this creation; sent again with a "
    "retry, the first result is returned and nothing more is written. Kept 24 hours."))]


class KeyTaken(Exception):
    """An earlier request stored this key: the write that tried to store it again rolls back."""


@dataclass(frozen=True)
class Claim:
    """A creation that will store its key with the item it creates."""

    account_id: int
    client_id: str
    key: str
    operation: str
    input_hash: str
    unkeyed_hash: str


def _input_text(operation: str, values: dict[str, Any]) -> str:
    return json.dumps({"operation": operation, "input": values}, sort_keys=True, default=str)


def input_hash(operation: str, values: dict[str, Any], secret_key: str) -> str:
    """A digest of what the client asked for, the same for the same input in any order.

    Keyed with the server's secret (HMAC): the input holds the record's free text (an
    allergy's substance, a note), which is sealed in its own row; a plain hash kept beside
    it would let anyone holding the database, or a backup, confirm a guessed text offline.
    """
    return digest(secret_key, _input_text(operation, values), "idempotency-input")


def _unkeyed_hash(operation: str, values: dict[str, Any]) -> str:
    """The digest keys were stored with before it was keyed; such keys live 24 hours at
    most, so a retry across the upgrade still replays. Can go once none is left."""
    return hashlib.sha256(_input_text(operation, values).encode()).hexdigest()


def _client_id(context: Context) -> str:
    # The OAuth client acting for the person; "" for the person's own pages and cookies.
    return context.app.client_id if context.app is not None else ""


def claim_for(info: Info, key: str | None, operation: str,
              values: dict[str, Any]) -> Claim | None:
    """The claim for this request's key; None without a key. A malformed key is refused."""
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise CarnetError(
            f"`idempotencyKey` must be 1 to {MAX_KEY_LENGTH} printable characters.",
            code="BAD_IDEMPOTENCY_KEY")
    viewer = info.context.require_viewer()
    secret_key = info.context.settings.secret_key
    return Claim(account_id=viewer.account_id, client_id=_client_id(info.context), key=key,
                 operation=operation, input_hash=input_hash(operation, values, secret_key),
                 unkeyed_hash=_unkeyed_hash(operation, values))


async def store_key(claim: Claim | None, connection: BaseDBAsyncClient | None,
                    result_type: str, result_id: int) -> None:
    """Store the key with the created item, in the transaction that created it.

    Raises KeyTaken when the key is already stored (on PostgreSQL, once the request holding
    it commits): the caller's transaction then rolls back with the item.
    """
    if claim is None:
        return
    now = clock.now()
    try:
        await IdempotencyKey.create(
            using_db=connection, account_id=claim.account_id, client_id=claim.client_id,
            key=claim.key, operation=claim.operation, input_hash=claim.input_hash,
            result_type=result_type, result_id=result_id, created_at=now,
            expires_at=now + KEY_LIFETIME)
    except IntegrityError:
        raise KeyTaken(claim.key) from None


async def _stored(claim: Claim) -> IdempotencyKey | None:
    return await IdempotencyKey.get_or_none(account_id=claim.account_id,
                                            client_id=claim.client_id, key=claim.key)


async def once(context: Context, claim: Claim | None,
               write: Callable[[Claim | None], Awaitable[T]],
               replay: Callable[[int], Awaitable[T]]) -> T:
    """Run ``write(claim)``; when its key is already stored, ``replay`` the stored item.

    An expired key is deleted (only while still expired, so a fresh one is never lost)
    and the write runs once more; the unique constraint still decides any race.
    """
    for _attempt in range(2):
        audited = set(context.audited)
        try:
            return await write(claim)
        except KeyTaken:
            # The attempt rolled back: the request's access history is as before it.
            context.audited = audited
        assert claim is not None
        stored = await _stored(claim)
        if stored is None:
            continue  # purged in between: try again
        now = clock.now()
        if stored.expires_at <= now:
            await IdempotencyKey.filter(id=stored.id, expires_at__lte=now).delete()
            continue
        if not (same_digest(stored.input_hash, claim.input_hash)
                or same_digest(stored.input_hash, claim.unkeyed_hash)):
            raise CarnetError(
                "This idempotency key was already used with another input; "
                "use a new key for a new creation.", code="IDEMPOTENCY_KEY_REUSED")
        return await replay(stored.result_id)
    raise CarnetError("This idempotency key is in use by another request; try again.",
                      code="IDEMPOTENCY_KEY_BUSY")
