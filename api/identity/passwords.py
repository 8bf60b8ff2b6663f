"""Password hashing with argon2id, off the event loop and with a cap on concurrency.

Parameters are at or above OWASP's minimum for argon2id (19 MiB, t=2, p=1).
Each hash holds `memory_cost` KiB, so the number running at once is capped.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.concurrency import run_in_threadpool

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_CONCURRENT_HASHES = 4

HASHER = PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID
)
_slots: asyncio.Semaphore | None = None


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


def _semaphore() -> asyncio.Semaphore:
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(MAX_CONCURRENT_HASHES)
    return _slots


async def hash_password(password: str) -> str:
    check_policy(password)
    async with _semaphore():
        return await run_in_threadpool(HASHER.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing hash still costs one hash (no timing hint)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    async with _semaphore():
        if password_hash is None:
            await run_in_threadpool(HASHER.hash, password)
            return False
        return await run_in_threadpool(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
