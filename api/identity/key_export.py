"""The keys export: the patients' wrapped data keys in a small file kept apart from the backups
(docs/security.md, "Backup and restore").

A backup archive does not hold `patient_key`, so deleting an account (which destroys the
patient's key) reaches every backup taken before. `carnet keys export FILE` writes the live
keys (patient id, wrapped key, master key id; destroyed keys are left out: they open nothing)
in JSON; `carnet restore ARCHIVE --keys FILE` reads them back into a database that has none.
The keys stay wrapped under the master key: the file is useless without it, and every older
export is useless once the master key is rotated.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from api import clock
from api.identity.models import PatientKey

KIND = "carnet-patient-keys"
FORMAT = 1


class KeysFileError(Exception):
    """The keys file cannot be used: unreadable, damaged, or not a Carnet keys export."""


@dataclass(frozen=True)
class ExportedKey:
    patient_id: int
    wrapped: bytes
    master_id: str
    created_at: datetime


async def export_keys(path: Path) -> int:
    """Write every live data key to `path` (replaced only once complete, readable by its owner
    only); how many keys."""
    rows = await PatientKey.filter(destroyed_at__isnull=True).order_by("patient_id")
    data = json.dumps({
        "kind": KIND, "format": FORMAT, "created_at": clock.now().isoformat(),
        "keys": [{"patient_id": row.patient_id,
                  "wrapped": base64.urlsafe_b64encode(bytes(row.wrapped)).decode("ascii"),
                  "master_id": row.master_id, "created_at": row.created_at.isoformat()}
                 for row in rows]}, indent=0).encode()
    _write(path, data)
    return len(rows)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def read_keys_file(path: Path) -> list[ExportedKey]:
    """The keys of a file written by `export_keys`; KeysFileError when it is not one."""
    try:
        raw = json.loads(path.read_bytes())
    except OSError as error:
        raise KeysFileError(f"the keys file cannot be read ({error})") from None
    except ValueError:
        raise KeysFileError(f"{path} is not a Carnet keys export (not JSON)") from None
    if not isinstance(raw, dict) or raw.get("kind") != KIND:
        raise KeysFileError(f"{path} is not a Carnet keys export")
    if raw.get("format") != FORMAT:
        raise KeysFileError(f"keys file format {raw.get('format')!r} is not one this version "
                            f"of Carnet reads (format {FORMAT})")
    keys = []
    try:
        for item in raw["keys"]:
            keys.append(ExportedKey(
                patient_id=int(item["patient_id"]),
                wrapped=base64.urlsafe_b64decode(item["wrapped"].encode("ascii")),
                master_id=str(item["master_id"]),
                created_at=datetime.fromisoformat(item["created_at"])))
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as error:
        raise KeysFileError(f"the keys file is damaged ({error!r})") from None
    return keys
