"""A document's bytes, stored sealed under its patient's data key, in either storage.

The bytes are sealed as they stream in, in frames of 64 KiB (api/identity/sealing.py,
`seal_stream`), each bound to the patient, the storage key, its index and whether it is the
last: a stored file copied under another key or another patient's name, reordered, cut
short or altered does not open. They are opened as they stream out; neither way holds more
than a frame or two in memory. The size and SHA-256 kept on the document are those of the
clear bytes, as before.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

from api.identity.patient_keys import RecordUnreadable, key_to_write, keys_for
from api.identity.sealing import SealBroken, open_stream, seal_stream
from api.records.documents.storage_base import Storage, new_key


def _context(patient_id: int, storage_key: str) -> bytes:
    return b"carnet:document|%d|%s" % (patient_id, storage_key.encode("ascii"))


async def put_sealed(storage: Storage, patient_id: int, chunks: AsyncIterable[bytes]) -> str:
    """Store `chunks` sealed for this patient; the new storage key (nothing kept on error)."""
    data_key = await key_to_write(patient_id)
    key = new_key()
    await storage.put_under(key, seal_stream(data_key, _context(patient_id, key), chunks))
    return key


def sealing(data_key: bytes, patient_id: int, storage_key: str,
            chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """`chunks` sealed as they would be stored under `storage_key` (sealing files stored
    before encryption existed)."""
    return seal_stream(data_key, _context(patient_id, storage_key), chunks)


async def _opened(storage: Storage, patient_id: int, storage_key: str, fresh: bool
                  ) -> AsyncIterator[bytes]:
    data_key = (await keys_for([patient_id], fresh=fresh)).get(patient_id)
    if data_key is None:
        raise RecordUnreadable()
    async for piece in open_stream(data_key, _context(patient_id, storage_key),
                                   storage.open(storage_key)):
        yield piece


async def open_sealed(storage: Storage, patient_id: int, storage_key: str
                      ) -> AsyncIterator[bytes]:
    """The clear bytes of a stored document, with the first piece already opened (so a file
    that does not open fails before a response starts): RecordUnreadable if the patient's
    key was destroyed or the stored bytes were altered, cut or moved."""
    pieces = _opened(storage, patient_id, storage_key, fresh=False)
    try:
        first = await anext(pieces, b"")
    except SealBroken:
        # A cached key may be stale (destroyed elsewhere, a database emptied): once more.
        pieces = _opened(storage, patient_id, storage_key, fresh=True)
        try:
            first = await anext(pieces, b"")
        except SealBroken:
            raise RecordUnreadable() from None
    return _rest(first, pieces)


async def _rest(first: bytes, pieces: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    try:
        async for piece in pieces:
            yield piece
    except SealBroken:
        raise RecordUnreadable() from None
