"""Password hashing with argon2id, off the event loop and with a cap on concurrency.

Parameters are at or above OWASP's minimum for argon2id (19 MiB, t=2, p=1).
Each hash holds `memory_cost` KiB and a whole core, so the number running at once is
capped below the number of cores (the event loop keeps one), and the queue in front of
them is bounded: a burst of sign-ins is refused quickly (`HashingBusy`) instead of making
every other request wait behind it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import weakref
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.concurrency import run_in_threadpool

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_CONCURRENT_HASHES = max(1, min(4, (os.cpu_count() or 2) - 1))
# Hashes waiting for a slot; past this a request is told to come back (about a second's work).
MAX_WAITING_HASHES = 16 * MAX_CONCURRENT_HASHES

HASHER = PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID
)
T = TypeVar("T")


class HashingBusy(Exception):
    """Too many password checks are queued: the request should be retried in a moment."""


class _Slots:
    def __init__(self) -> None:
        self.running = asyncio.Semaphore(MAX_CONCURRENT_HASHES)
        self.admitted = 0


# One set of slots per event loop: an asyncio semaphore belongs to the loop that used it.
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Slots] = (
    weakref.WeakKeyDictionary()
)
_dummy_hash: str | None = None


class PasswordPolicyError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            "password_too_short", f"A password has at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError("password_too_long", "This password is too long.")


async def _bounded(work: Callable[..., T], *args: str) -> T:
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = _Slots()
    if slots.admitted >= MAX_CONCURRENT_HASHES + MAX_WAITING_HASHES:
        raise HashingBusy
    slots.admitted += 1
    try:
        async with slots.running:
            return await run_in_threadpool(work, *args)
    finally:
        slots.admitted -= 1


async def hash_password(password: str) -> str:
    check_policy(password)
    return await _bounded(HASHER.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def _stand_in_hash() -> str:
    """A hash of nothing anyone knows, with the current parameters, made once per process."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = await _bounded(HASHER.hash, secrets.token_urlsafe(32))
    return _dummy_hash


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches.

    Without a hash (unknown address, account without password) the password is still
    verified once, against a stand-in hash, so the time taken tells nothing. Raises
    HashingBusy when too many checks are queued.
    """
    # Made (once per process) before either path, so the first unknown address is not
    # the one sign-in that costs two hashes.
    stand_in = await _stand_in_hash()
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[:MAX_PASSWORD_LENGTH]  # same cost as any other wrong password
        password_hash = None
    if password_hash is None:
        await _bounded(_verify, stand_in, password)
        return False
    return await _bounded(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
