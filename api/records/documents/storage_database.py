"""Document bytes in the database: what a PostgreSQL deployment uses, so that any number of
stateless app processes, on any machine, serve the same files.

A file is a `stored_file` row and its bytes in `stored_chunk` rows of 256 KiB, keyed by
(key, seq). Bytes go in and come out chunk by chunk, never whole in memory:
- `put` writes every chunk and then the file's row in one transaction, so a source that
  fails (or a process that dies) midway leaves nothing at all; the source is a file the
  form parser has already spooled, so the transaction is not paced by a slow client.
- `open` reads one chunk per statement, each on its own: a slow download holds no
  connection or transaction between two chunks.
Rows rather than PostgreSQL large objects: rows are deleted with a plain DELETE (large
objects need lo_unlink or vacuumlo, or they leak), are copied by logical replication and
plain pg_dump like any table, obey the table's permissions, work on SQLite too, and can
be distributed by a sharding extension; large objects can do none of these.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api import clock
from api.records.documents.models import StoredChunk, StoredFile
from api.records.documents.storage_base import checked_key, new_key

CHUNK_BYTES = 256 * 1024


async def _insert(connection: BaseDBAsyncClient, key: str, seq: int, data: bytes) -> None:
    await StoredChunk.create(using_db=connection, key=key, seq=seq, data=data)


class DatabaseStorage:
    """Files as rows of the application's database (its default connection)."""

    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        key = new_key()
        await self.put_under(key, chunks)
        return key

    async def put_under(self, key: str, chunks: AsyncIterable[bytes]) -> None:
        checked_key(key)
        async with in_transaction() as connection:
            pending = bytearray()
            seq = size = 0
            async for chunk in chunks:
                pending += chunk
                size += len(chunk)
                while len(pending) >= CHUNK_BYTES:
                    await _insert(connection, key, seq, bytes(pending[:CHUNK_BYTES]))
                    del pending[:CHUNK_BYTES]
                    seq += 1
            if pending:
                await _insert(connection, key, seq, bytes(pending))
                seq += 1
            # Written last: a key is there once all its bytes are (and the commit makes it so).
            await StoredFile.create(using_db=connection, key=key, size_bytes=size,
                                    chunk_count=seq, stored_at=clock.now())

    async def open(self, key: str) -> AsyncIterator[bytes]:
        checked_key(key)
        stored = await StoredFile.get_or_none(key=key)
        if stored is None:
            raise FileNotFoundError(f"no stored file {key}")
        for seq in range(stored.chunk_count):
            rows = await StoredChunk.filter(key=key, seq=seq).values_list("data", flat=True)
            if not rows:  # deleted while it was being read
                raise FileNotFoundError(f"stored file {key} lost its part {seq}")
            yield bytes(rows[0])

    async def delete(self, key: str) -> None:
        checked_key(key)
        async with in_transaction() as connection:
            await StoredFile.filter(key=key).using_db(connection).delete()
            await StoredChunk.filter(key=key).using_db(connection).delete()

    async def exists(self, key: str) -> bool:
        checked_key(key)
        return await StoredFile.filter(key=key).exists()
