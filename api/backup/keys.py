"""The patients' data keys at a restore: an archive holds none (`patient_key` is kept apart, so
a deletion reaches the backups taken before it); the target's live keys are kept, and a keys
export (`carnet keys export`) may bring keys into a target that has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from api.identity.key_export import ExportedKey, read_keys_file
from api.identity.models import Patient, PatientKey
from api.identity.patient_keys import fingerprint

TABLE = "patient_key"


class KeysRefused(Exception):
    """The keys file given to the restore cannot be used; nothing was changed."""


def keys_to_import(path: Path | None, master_key: bytes) -> list[ExportedKey]:
    """The keys of the file `--keys` names (none without one); KeysRefused (or KeysFileError)
    when they are wrapped under another master key than the configured one."""
    if path is None:
        return []
    keys = read_keys_file(path)
    current = fingerprint(master_key)
    others = sorted({key.master_id for key in keys} - {current})
    if others:
        raise KeysRefused(f"the keys file holds keys wrapped under master key {others[0]}, not "
                          f"under the configured one ({current}): it was exported before a "
                          "`carnet keys rotate`, and no longer opens anything")
    return keys


async def live_keys(connection: BaseDBAsyncClient) -> list[PatientKey]:
    """Every key row of the target (live and destroyed), to be put back after the restore."""
    return list(await PatientKey.all().using_db(connection).order_by("patient_id"))


@dataclass
class KeysPut:
    kept: int = 0
    imported: int = 0


async def put_keys(connection: BaseDBAsyncClient, kept: list[PatientKey],
                   imported: list[ExportedKey]) -> KeysPut:
    """Write the target's own keys into the restored rows (they win over any the archive held,
    which only archives of older versions do), then the imported ones of patients that have
    none; only for patients the restored database holds."""
    present = set(await Patient.all().using_db(connection).values_list("id", flat=True))
    have = set(await PatientKey.all().using_db(connection).values_list("patient_id", flat=True))
    put = KeysPut()
    own = [row for row in kept if row.patient_id in present]
    await PatientKey.filter(patient_id__in=[row.patient_id for row in own]).using_db(
        connection).delete()
    await PatientKey.bulk_create(
        [PatientKey(patient_id=row.patient_id, wrapped=bytes(row.wrapped),
                    master_id=row.master_id, created_at=row.created_at,
                    destroyed_at=row.destroyed_at) for row in own], using_db=connection)
    put.kept = len(own)
    taken = have | {row.patient_id for row in own}
    new = [key for key in imported if key.patient_id in present and key.patient_id not in taken]
    await PatientKey.bulk_create(
        [PatientKey(patient_id=key.patient_id, wrapped=key.wrapped, master_id=key.master_id,
                    created_at=key.created_at) for key in new], using_db=connection)
    put.imported = len(new)
    return put


async def records_without_key(connection: BaseDBAsyncClient) -> int:
    """How many records hold sealed data but no live key to open it (deleted since the
    backup, or keys not given): their sealed rows are unreadable."""
    sealed: set[int] = set()
    for app in Tortoise.apps.values():
        for model in app.values():
            fields = model._meta.fields_map
            if "seal_id" in fields and "patient" in fields:
                _, rows = await connection.execute_query(
                    f'SELECT DISTINCT patient_id FROM "{model._meta.db_table}" '  # noqa: S608
                    "WHERE seal_id IS NOT NULL")
                sealed |= {int(dict(row)["patient_id"]) for row in rows}
    keyed = set(await PatientKey.filter(destroyed_at__isnull=True).using_db(
        connection).values_list("patient_id", flat=True))
    return len(sealed - keyed)
