"""The storage interface every backend implements, and the keys it hands out.

Keys are random and chosen by the storage: nothing a client sends (a file name above all)
ever becomes part of a path or a row's key.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from typing import Protocol

_KEY = re.compile(r"^[0-9a-f]{32}$")


class StorageKeyError(ValueError):
    """A key this storage never issued."""


def new_key() -> str:
    return secrets.token_hex(16)


def checked_key(key: str) -> str:
    """`key` when it has the shape of an issued key; StorageKeyError otherwise."""
    if not _KEY.match(key):
        raise StorageKeyError("not a storage key")
    return key


class Storage(Protocol):
    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        """Store the bytes and return their new key; nothing is kept if `chunks` raises."""
        ...

    async def put_under(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        """Store the bytes under a key another storage issued (when moving between them)."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes, chunk by chunk (FileNotFoundError when missing)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the bytes; deleting a missing key is not an error."""
        ...

    async def exists(self, key: str) -> bool: ...
