"""The storage contract, on both backends: random keys, atomic writes, streamed reads.

Every contract test runs against the local files and the database (SQLite here, PostgreSQL
with --db=postgres); the last tests are about what only the files have (folders, modes).
"""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.records.documents.models import StoredChunk, StoredFile
from api.records.documents.storage import (
    CHUNK_BYTES,
    DatabaseStorage,
    LocalStorage,
    Storage,
    StorageKeyError,
)


async def _chunks(*parts: bytes, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for index, part in enumerate(parts):
        if fail_after is not None and index == fail_after:
            raise ConnectionError("client went away")
        yield part


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@dataclass
class Backend:
    storage: Storage
    leftovers: Callable[[], Awaitable[int]]  # files or rows kept, temporary ones included


@pytest.fixture(params=["local", "database"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path, db: None) -> Backend:
    if request.param == "local":
        async def files() -> int:
            return len(_files(tmp_path))

        return Backend(LocalStorage(tmp_path), files)

    async def rows() -> int:
        return await StoredFile.all().count() + await StoredChunk.all().count()

    return Backend(DatabaseStorage(), rows)


async def _read(storage: Storage, key: str) -> list[bytes]:
    return [chunk async for chunk in storage.open(key)]


async def test_stored_bytes_come_back_identical_in_chunks(backend: Backend):
    data = bytes(range(256)) * 4000  # a little under 4 chunks of the database
    key = await backend.storage.put(_chunks(data[:1000], data[1000:]))
    assert await backend.storage.exists(key)
    chunks = await _read(backend.storage, key)
    assert b"".join(chunks) == data
    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= CHUNK_BYTES


async def test_small_writes_are_gathered_into_whole_chunks(backend: Backend):
    data = bytes(range(256)) * 2048  # 512 KiB sent 1 KiB at a time
    key = await backend.storage.put(_chunks(*(data[i:i + 1024]
                                              for i in range(0, len(data), 1024))))
    assert b"".join(await _read(backend.storage, key)) == data


async def test_an_empty_file_exists_and_reads_as_nothing(backend: Backend):
    key = await backend.storage.put(_chunks())
    assert await backend.storage.exists(key)
    assert await _read(backend.storage, key) == []


async def test_keys_are_random(backend: Backend):
    first = await backend.storage.put(_chunks(b"same"))
    second = await backend.storage.put(_chunks(b"same"))
    assert first != second
    assert await backend.leftovers() >= 2


@pytest.mark.parametrize("fail_after", [0, 1, 5])
async def test_a_failing_source_leaves_nothing_at_all(backend: Backend, fail_after: int):
    parts = [bytes([index]) * 100_000 for index in range(6)]  # past two database chunks
    with pytest.raises(ConnectionError):
        await backend.storage.put(_chunks(*parts, fail_after=fail_after))
    assert await backend.leftovers() == 0


async def test_a_cancelled_write_leaves_nothing_at_all(backend: Backend):
    started = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 100_000
            started.set()
            await asyncio.sleep(0.01)

    task = asyncio.create_task(backend.storage.put(endless()))
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await backend.leftovers() == 0


async def test_deleting_removes_the_bytes_and_tolerates_a_missing_key(backend: Backend):
    key = await backend.storage.put(_chunks(b"bytes" * 100_000))
    await backend.storage.delete(key)
    assert not await backend.storage.exists(key)
    assert await backend.leftovers() == 0
    await backend.storage.delete(key)
    with pytest.raises(FileNotFoundError):
        await _read(backend.storage, key)


async def test_a_key_from_another_storage_can_be_stored_under_once_more(backend: Backend):
    key = "0123456789abcdef" * 2
    await backend.storage.put_under(key, _chunks(b"moved"))
    assert b"".join(await _read(backend.storage, key)) == b"moved"


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF", "0" * 31, "0" * 32 + "/x", ""])
async def test_anything_but_an_issued_key_is_refused(backend: Backend, key: str):
    with pytest.raises(StorageKeyError):
        await backend.storage.exists(key)
    with pytest.raises(StorageKeyError):
        await backend.storage.delete(key)
    with pytest.raises(StorageKeyError):
        await _read(backend.storage, key)
    with pytest.raises(StorageKeyError):
        await backend.storage.put_under(key, _chunks(b"x"))


TWENTY_MB = 20 * 1024 * 1024
PIECE = 64 * 1024


async def _twenty_mb(digest: hashlib._Hash) -> AsyncIterator[bytes]:
    """20 MB made on the fly, 64 KiB at a time (as an upload is read), never whole."""
    for index in range(TWENTY_MB // PIECE):
        piece = index.to_bytes(4, "big") * (PIECE // 4)
        digest.update(piece)
        yield piece


async def test_a_20_mb_file_goes_in_and_out_without_being_held_whole(backend: Backend):
    sent, received = hashlib.sha256(), hashlib.sha256()
    largest = 0
    tracemalloc.start()
    try:
        key = await backend.storage.put(_twenty_mb(sent))
        _, peak_in = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        async for chunk in backend.storage.open(key):
            received.update(chunk)
            largest = max(largest, len(chunk))
        _, peak_out = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received.hexdigest() == sent.hexdigest()
    assert largest <= CHUNK_BYTES
    # A few chunks in flight at most: a tenth of the file is already generous.
    assert peak_in < TWENTY_MB / 10, f"{peak_in / 1e6:.1f} MB held while storing"
    assert peak_out < TWENTY_MB / 10, f"{peak_out / 1e6:.1f} MB held while reading"
    print(f"peak Python allocation: {peak_in / 1e6:.2f} MB storing, "
          f"{peak_out / 1e6:.2f} MB reading")


async def test_files_are_sharded_by_key(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    key = await storage.put(_chunks(b"same"))
    assert storage.path_of(key) == tmp_path / key[:2] / key[2:4] / key


async def test_files_are_readable_by_their_owner_only(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    key = await storage.put(_chunks(b"private"))
    assert storage.path_of(key).stat().st_mode & 0o077 == 0
