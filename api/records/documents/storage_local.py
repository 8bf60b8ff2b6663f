"""Document bytes as files under the var directory: the default on SQLite (one machine)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO

from starlette.concurrency import run_in_threadpool

from api.records.documents.storage_base import checked_key, new_key

CHUNK_SIZE = 64 * 1024


def _write_all(handle: BinaryIO, data: bytes) -> None:
    handle.write(data)


def _flush_and_sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _sync_directory(path: Path) -> None:
    # Makes the rename itself durable (POSIX); not every platform can open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_quietly(path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class LocalStorage:
    """Files under `root`, in folders sharded by the key's first characters."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        checked_key(key)
        return self.root / key[:2] / key[2:4] / key

    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        key = new_key()
        await self.put_under(key, chunks)
        return key

    async def put_under(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        final = self.path_of(key)
        await run_in_threadpool(final.parent.mkdir, parents=True, exist_ok=True)
        # The temporary file sits next to its final place, so the rename is atomic.
        fd, temporary = await run_in_threadpool(
            tempfile.mkstemp, dir=final.parent, prefix=".partial-"
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                async for chunk in chunks:
                    await run_in_threadpool(_write_all, handle, chunk)
                await run_in_threadpool(_flush_and_sync, handle)
            await run_in_threadpool(os.replace, temporary, final)
        except BaseException:
            # Synchronous on purpose: this must run even when the task is being cancelled.
            _remove_quietly(temporary)
            raise
        await run_in_threadpool(_sync_directory, final.parent)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        handle = await run_in_threadpool(self.path_of(key).open, "rb")
        try:
            while chunk := await run_in_threadpool(handle.read, CHUNK_SIZE):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await run_in_threadpool(_remove_quietly, self.path_of(key))

    async def exists(self, key: str) -> bool:
        return await run_in_threadpool(self.path_of(key).is_file)
