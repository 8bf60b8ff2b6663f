"""Where document bytes live, behind one small interface (api/records/documents/storage_base.py).

`LocalStorage` keeps files under the var directory: the default on SQLite, one machine.
`DatabaseStorage` keeps them in the database: the default on PostgreSQL, so that any
number of app processes on any machines serve the same files. CARNET_DOCUMENT_STORAGE
(`local` or `database`) overrides the choice; `carnet documents move-storage` copies the
bytes already stored when a deployment switches.
"""

from __future__ import annotations

from api.records.documents.storage_base import Storage, StorageKeyError, checked_key, new_key
from api.records.documents.storage_database import CHUNK_BYTES, DatabaseStorage
from api.records.documents.storage_local import CHUNK_SIZE, LocalStorage
from api.settings import DOCUMENT_STORAGES, Settings

__all__ = ["CHUNK_BYTES", "CHUNK_SIZE", "DatabaseStorage", "LocalStorage", "Storage",
           "StorageKeyError", "checked_key", "new_key", "storage_for", "storage_named"]


def storage_named(kind: str, settings: Settings) -> Storage:
    """The storage of this kind (one of DOCUMENT_STORAGES) for these settings."""
    assert kind in DOCUMENT_STORAGES, kind
    if kind == "database":
        return DatabaseStorage()
    if kind == "local":
        return LocalStorage(settings.var_dir / "documents")
    raise ValueError(f"no storage named {kind!r}")


def storage_for(settings: Settings) -> Storage:
    """The storage the application uses (settings.document_storage)."""
    return storage_named(settings.document_storage, settings)
