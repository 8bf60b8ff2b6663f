"""The document files of the local storage (CARNET_VAR_DIR/documents), into and out of an
archive. (On the database storage the bytes are rows, and come with the database.)

On SQLite the files the copied database names are hard-linked aside at the instant of the
copy, while writes wait (api/backup/sqlite.py), so none can be missing. Otherwise (local
files beside PostgreSQL) they are copied after the database: a file the copied database
names was written before its row, so it is there, unless deleted meanwhile (skipped with a
note); one written after the copy began may be taken too (nothing names it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from api.backup.archive import ArchiveWriter
from api.backup.progress import Progress
from api.records.documents.storage_local import LocalStorage

MEMBER_FOLDER = "documents"
STORED_FILES = "stored_file"  # the bytes kept as rows (the database storage), by key
PARTIAL_PREFIX = ".partial-"  # a file LocalStorage is still writing


@dataclass
class StorageKeys:
    """What the copied database says of stored bytes."""

    named: list[str] = field(default_factory=list)  # the keys its rows name
    in_database: list[str] = field(default_factory=list)  # the keys whose bytes are rows


def documents_root(var_dir: Path) -> Path:
    return var_dir / "documents"


def _files(root: Path) -> list[tuple[Path, int]]:
    found: list[tuple[Path, int]] = []
    if not root.is_dir():
        return found
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.startswith(PARTIAL_PREFIX):
                continue
            path = Path(folder) / name
            with contextlib.suppress(FileNotFoundError):
                found.append((path, path.stat().st_size))
    return sorted(found)


def link_documents(var_dir: Path, keys: list[str], staging: Path) -> None:
    """Hard-link the file of each key into `staging` (same layout, same file system): a
    link keeps the bytes even if the server deletes the file afterwards. A key without a
    file is left to `add_documents` to report (its bytes may be rows)."""
    storage = LocalStorage(documents_root(var_dir))
    staging.mkdir(parents=True, exist_ok=True)
    for key in sorted(set(keys)):
        source = storage.path_of(key)
        target = staging / source.relative_to(storage.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            os.link(source, target)


def add_documents(writer: ArchiveWriter, root: Path, keys: StorageKeys,
                  progress: Progress) -> tuple[int, list[str]]:
    """Add every document file under `root` (the documents folder, or the links taken
    aside); the number added and the notes (files gone meanwhile, keys without bytes)."""
    files = _files(root)
    total = sum(size for _, size in files)
    done = 0
    added: set[str] = set()
    notes: list[str] = []

    def moved(count: int) -> None:
        nonlocal done
        done += count
        progress.step("documents", done, total, "bytes")

    for path, _ in files:
        name = f"{MEMBER_FOLDER}/{path.relative_to(root).as_posix()}"
        try:
            writer.add_file(name, path, moved)
        except FileNotFoundError:
            notes.append(f"document file {path.name} was deleted during the backup: skipped")
            continue
        added.add(path.name)
    progress.step("documents", done, total, "bytes", final=True)
    missing = sorted(set(keys.named) - added - set(keys.in_database))
    notes += [f"document file {key} is named by the database but was not found: the "
              "restored record will lack its bytes" for key in missing]
    return len(added), notes


def swap_in_documents(extracted: Path | None, var_dir: Path) -> None:
    """Put the extracted documents folder (or an empty one) in place of the current one."""
    root = documents_root(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    old = var_dir / f".documents-replaced-{uuid.uuid4().hex[:8]}"
    if root.exists():
        root.rename(old)
    if extracted is not None and extracted.is_dir():
        extracted.rename(root)
    else:
        root.mkdir()
    shutil.rmtree(old, ignore_errors=True)


def has_documents(var_dir: Path) -> bool:
    return bool(_files(documents_root(var_dir)))
