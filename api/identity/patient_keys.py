"""Each patient's data key, wrapped under the master key (docs/security.md, "Encryption at rest").

A data key is 32 random bytes made at the first write of the record's free text (or of a
document's bytes), stored in `patient_key` sealed with AES-GCM under the master key, bound
to the patient (associated data ``carnet:patient-key:<patient id>``). The master key comes
from the settings (`configure`, called when the database is opened); `master_id` is its
short fingerprint, stored beside each wrapped key.

Unwrapped keys are kept in a bounded, short-lived cache, keyed by patient and master key:
a read of many patients' rows asks for every missing key in one statement, and a warm
cache asks for none. Only keys read outside a transaction (so committed) are cached; writes
read the key in their own transaction, so they never use a key a rolled-back transaction
made. `destroy_patient_key` overwrites a key: the record's ciphertexts become unreadable
("crypto-shredding"); other processes forget their cached copy within ``CACHE_SECONDS``.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.transactions import in_transaction

from api import clock
from api.graphql.errors import CarnetError
from api.identity.models import PatientKey
from api.identity.sealing import SealBroken, new_data_key, open_bytes, seal_bytes

CACHE_SIZE = 4096
CACHE_SECONDS = 60.0
# What a destroyed key's row holds instead: no key opens anything with it.
_DESTROYED = b"\x00" * 61


class RecordUnreadable(CarnetError):
    """A record's sealed data cannot be opened: its key was destroyed, or it was altered."""

    def __init__(self, message: str = "This record's data cannot be read: it was erased or "
                                      "altered.") -> None:
        super().__init__(message, code="RECORD_UNREADABLE")


class MasterKeyMismatch(RuntimeError):
    """A stored data key is wrapped under another master key than the one configured."""


@dataclass(frozen=True)
class _Master:
    key: bytes
    id: str


_master: _Master | None = None
_cache: OrderedDict[tuple[int, str], tuple[bytes | None, float]] = OrderedDict()


def fingerprint(master_key: bytes) -> str:
    """A short name of a master key, stored with what it wraps (it does not reveal the key)."""
    return hashlib.sha256(b"carnet:master-key-id:" + master_key).hexdigest()[:16]


def configure(master_key: bytes) -> None:
    """Use `master_key` (32 bytes) to wrap and unwrap data keys from now on."""
    global _master
    if len(master_key) != 32:
        raise ValueError("the master key must be 32 bytes")
    _master = _Master(master_key, fingerprint(master_key))
    _cache.clear()


def master() -> _Master:
    if _master is None:
        raise RuntimeError("the master key is not configured (api.db.open_database does it)")
    return _master


def _aad(patient_id: int) -> bytes:
    return b"carnet:patient-key:%d" % patient_id


def wrap(master_key: bytes, patient_id: int, data_key: bytes) -> bytes:
    return seal_bytes(master_key, data_key, _aad(patient_id))


def unwrap(master_key: bytes, patient_id: int, wrapped: bytes) -> bytes:
    return open_bytes(master_key, wrapped, _aad(patient_id))


def forget_cached(patient_ids: Iterable[int] | None = None) -> None:
    """Drop cached keys: of these patients, or all of them."""
    if patient_ids is None:
        _cache.clear()
        return
    wanted = set(patient_ids)
    for entry in [entry for entry in _cache if entry[0] in wanted]:
        del _cache[entry]


def _cached(patient_id: int, master_id: str) -> tuple[bool, bytes | None]:
    entry = _cache.get((patient_id, master_id))
    if entry is None or entry[1] < time.monotonic():
        return False, None
    _cache.move_to_end((patient_id, master_id))
    return True, entry[0]


def _remember(patient_id: int, master_id: str, key: bytes | None) -> None:
    _cache[(patient_id, master_id)] = (key, time.monotonic() + CACHE_SECONDS)
    _cache.move_to_end((patient_id, master_id))
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)


def _opened(current: _Master, row: PatientKey) -> bytes | None:
    """The row's data key, or None when it was destroyed."""
    if row.destroyed_at is not None:
        return None
    if row.master_id != current.id:
        raise MasterKeyMismatch(
            f"the data key of patient {row.patient_id} is wrapped under master key "
            f"{row.master_id}, not under the configured one ({current.id}): finish "
            "`carnet keys rotate`, or start with the master key it was rotated to")
    try:
        return unwrap(current.key, row.patient_id, bytes(row.wrapped))
    except SealBroken:
        raise MasterKeyMismatch(
            f"the data key of patient {row.patient_id} does not open with the master key "
            "(altered or moved)") from None


async def keys_for(patient_ids: Iterable[int], connection: BaseDBAsyncClient | None = None, *,
                   create: bool = False, fresh: bool = False) -> dict[int, bytes | None]:
    """The data key of each patient that has one (None for a destroyed key), in at most one
    statement (two, and one insert, when `create` makes the missing ones).

    `fresh` skips the cache (after a key failed to open something). Writes pass their
    transaction's `connection` and `create=True`.
    """
    current = master()
    wanted = sorted(set(patient_ids))
    found: dict[int, bytes | None] = {}
    use_cache = not fresh and not create
    missing = []
    for patient_id in wanted:
        hit, key = _cached(patient_id, current.id) if use_cache else (False, None)
        if hit:
            found[patient_id] = key
        else:
            missing.append(patient_id)
    if not missing:
        return found
    db = connection or connections.get("default")
    rows = await PatientKey.filter(patient_id__in=missing).using_db(db)
    if create and len(rows) < len(missing):
        have = {row.patient_id for row in rows}
        now = clock.now()
        await PatientKey.bulk_create(
            [PatientKey(patient_id=patient_id, wrapped=wrap(current.key, patient_id,
                                                            new_data_key()),
                        master_id=current.id, created_at=now)
             for patient_id in missing if patient_id not in have],
            ignore_conflicts=True, using_db=db)
        # Read back: a concurrent first write may have made the key that counts.
        rows = await PatientKey.filter(patient_id__in=missing).using_db(db)
    committed = not isinstance(db, TransactionalDBClient)
    for row in rows:
        key = _opened(current, row)
        found[row.patient_id] = key
        if committed:
            _remember(row.patient_id, current.id, key)
    return found


async def key_to_write(patient_id: int, connection: BaseDBAsyncClient | None = None) -> bytes:
    """The patient's data key, made if it does not exist; RecordUnreadable if destroyed."""
    key = (await keys_for([patient_id], connection, create=True)).get(patient_id)
    if key is None:
        raise RecordUnreadable("This record was erased: nothing can be added to it.")
    return key


async def destroy_patient_key(patient_id: int) -> None:
    """Overwrite the patient's data key: every ciphertext of their record is unreadable from
    now on (crypto-shredding). Idempotent; a patient without a key gets a destroyed one, so
    nothing can be written for them afterwards either."""
    current = master()
    now = clock.now()
    async with in_transaction() as connection:
        changed = await PatientKey.filter(patient_id=patient_id).using_db(connection).update(
            wrapped=_DESTROYED, destroyed_at=now)
        if not changed:
            await PatientKey.bulk_create(
                [PatientKey(patient_id=patient_id, wrapped=_DESTROYED, master_id=current.id,
                            created_at=now, destroyed_at=now)],
                ignore_conflicts=True, using_db=connection)
    forget_cached([patient_id])


@dataclass
class RotationSummary:
    rewrapped: int = 0
    destroyed: int = 0


async def rotate(new_master_key: bytes,
                 progress: Callable[[int, int], None] | None = None) -> RotationSummary:
    """Re-wrap every data key under `new_master_key`, in one transaction; the data is not
    touched. Raises MasterKeyMismatch (and changes nothing) when a key does not open with
    the current master key. Afterwards the new master key is the configured one."""
    current = master()
    new = _Master(new_master_key, fingerprint(new_master_key))
    summary = RotationSummary()
    async with in_transaction() as connection:
        rows = await PatientKey.all().using_db(connection).order_by("id")
        for done, row in enumerate(rows, start=1):
            if row.destroyed_at is not None:
                row.master_id = new.id
                summary.destroyed += 1
            elif row.master_id == new.id:
                unwrap(new.key, row.patient_id, bytes(row.wrapped))  # a resumed rotation
                summary.rewrapped += 1
            else:
                key = _opened(current, row)
                assert key is not None
                row.wrapped = wrap(new.key, row.patient_id, key)
                row.master_id = new.id
                summary.rewrapped += 1
            await row.save(update_fields=["wrapped", "master_id"], using_db=connection)
            if progress:
                progress(done, len(rows))
    configure(new_master_key)
    return summary


async def key_count() -> tuple[int, int, dict[str, int]]:
    """(live keys, destroyed keys, live keys by master key id)."""
    rows = await PatientKey.all().values_list("master_id", "destroyed_at")
    by_master: dict[str, int] = {}
    destroyed = 0
    for master_id, destroyed_at in rows:
        if destroyed_at is not None:
            destroyed += 1
        else:
            by_master[master_id] = by_master.get(master_id, 0) + 1
    return sum(by_master.values()), destroyed, by_master
