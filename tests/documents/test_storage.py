"""The local storage: random keys, sharded folders, atomic writes, streamed reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.documents.storage import LocalStorage, StorageKeyError


async def _chunks(*parts: bytes, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for index, part in enumerate(parts):
        if fail_after is not None and index == fail_after:
            raise ConnectionError("client went away")
        yield part


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def test_stored_bytes_come_back_identical_in_chunks(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    data = bytes(range(256)) * 1000
    key = await storage.put(_chunks(data[:1000], data[1000:]))
    assert await storage.exists(key)
    chunks = [chunk async for chunk in storage.open(key)]
    assert b"".join(chunks) == data
    assert len(chunks) > 1


async def test_keys_are_random_and_files_are_sharded_by_key(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    first = await storage.put(_chunks(b"same"))
    second = await storage.put(_chunks(b"same"))
    assert first != second
    assert storage.path_of(first) == tmp_path / first[:2] / first[2:4] / first
    assert len(_files(tmp_path)) == 2


async def test_a_failing_source_leaves_no_file_at_all(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(ConnectionError):
        await storage.put(_chunks(b"a" * 10, b"b" * 10, fail_after=1))
    assert _files(tmp_path) == []


async def test_deleting_removes_the_file_and_tolerates_a_missing_one(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    key = await storage.put(_chunks(b"bytes"))
    await storage.delete(key)
    assert not await storage.exists(key)
    await storage.delete(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF", "0" * 31, "0" * 32 + "/x", ""])
async def test_anything_but_an_issued_key_is_refused(tmp_path: Path, key: str):
    storage = LocalStorage(tmp_path)
    with pytest.raises(StorageKeyError):
        await storage.exists(key)
    with pytest.raises(StorageKeyError):
        await storage.delete(key)


async def test_files_are_readable_by_their_owner_only(tmp_path: Path):
    storage = LocalStorage(tmp_path)
    key = await storage.put(_chunks(b"private"))
    assert storage.path_of(key).stat().st_mode & 0o077 == 0
