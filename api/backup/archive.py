"""The backup archive: a tar file (gzip-compressed when its name ends in .gz or .tgz) of

* ``database/...``: the database (the SQLite file, or one COPY file per PostgreSQL table);
* ``documents/...``: the document files of the local storage, under their keys;
* ``manifest.json``, written last: the Carnet version, the kind of database, when, the schema
  migrations applied per app, the rows per table, and the size and SHA-256 of every member.

The patients' data keys (`patient_key`) are not in it: they are kept apart (see
api/backup/keys.py), so destroying a key reaches the backups taken before.

The archive is written to a temporary file beside its place and renamed once complete, so a
failed backup leaves no archive that looks whole. Reading checks every member against the
manifest while it extracts, so one byte changed anywhere is refused before anything is
restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

MANIFEST = "manifest.json"
FORMAT = 1
_BUFFER = 1024 * 1024

ProgressCallback = Callable[[int], None]


class ArchiveError(Exception):
    """The archive cannot be used: damaged, incomplete, or not a Carnet backup."""


@dataclass
class Manifest:
    carnet_version: str
    database: str  # "sqlite" or "postgresql"
    created_at: str
    migrations: dict[str, list[str]]  # app label -> migration names applied
    tables: dict[str, int]  # table -> rows
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> size, sha256
    # PostgreSQL: the columns of each table's COPY file, and each sequence's position.
    columns: dict[str, list[str]] = field(default_factory=dict)
    sequences: dict[str, list[Any]] = field(default_factory=dict)
    documents: int = 0
    notes: list[str] = field(default_factory=list)
    # The patients' data keys: "kept apart" (the archive holds none; archives of older
    # versions say nothing and hold them), and how many were left out.
    keys: str = "in the archive"
    keys_left_out: int = 0
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ArchiveError(f"archive format {raw.get('format')!r} is not one this "
                                   f"version of Carnet reads (format {FORMAT})")
            return cls(**raw)
        except (ValueError, TypeError, AttributeError) as error:
            raise ArchiveError(f"the manifest cannot be read ({error})") from None


def _compression(path: Path) -> str:
    return "gz" if path.name.endswith((".gz", ".tgz")) else ""


class _Hashing:
    """A reader that hashes (and counts) what passes through it."""

    def __init__(self, source: IO[bytes], progress: ProgressCallback | None) -> None:
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        if self.progress is not None and data:
            self.progress(len(data))
        return data


class ArchiveWriter:
    """Members added one by one; `finish` adds the manifest and puts the archive in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
        self._temporary = Path(name)
        self._file = os.fdopen(fd, "wb")
        # Closed by finish() or abort(), not by a `with` block.
        if _compression(path):
            self._tar = tarfile.open(fileobj=self._file, mode="w:gz")  # noqa: SIM115
        else:
            self._tar = tarfile.open(fileobj=self._file, mode="w")  # noqa: SIM115
        self.members: dict[str, dict[str, Any]] = {}

    def add(self, name: str, source: BinaryIO, size: int,
            progress: ProgressCallback | None = None) -> None:
        """Add `size` bytes read from `source` as member `name` (hashed on the way)."""
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        hashing = _Hashing(source, progress)
        self._tar.addfile(info, hashing)
        self.members[name] = {"size": size, "sha256": hashing.digest.hexdigest()}

    def add_file(self, name: str, path: Path, progress: ProgressCallback | None = None) -> None:
        with path.open("rb") as source:
            self.add(name, source, os.fstat(source.fileno()).st_size, progress)

    def finish(self, manifest: Manifest) -> None:
        manifest.members = dict(self.members)
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o600
        self._tar.addfile(info, _Hashing(io.BytesIO(data), None))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._temporary, self.path)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._tar.close()
        with contextlib.suppress(Exception):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self._temporary.unlink()


_DAMAGE = (tarfile.TarError, OSError, EOFError, zlib.error)


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise ArchiveError(f"{path} is not a file")
    try:
        with tarfile.open(path, mode="r:*") as tar:
            yield tar
    except ArchiveError:
        raise
    except _DAMAGE as error:
        raise ArchiveError(f"the archive is damaged or not a Carnet backup ({error})") from None


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest (the whole archive is read to find it)."""
    with _opened(path) as tar:
        try:
            member = tar.getmember(MANIFEST)
        except KeyError:
            raise ArchiveError("the archive has no manifest: it is damaged, cut short, or "
                               "not a Carnet backup") from None
        source = tar.extractfile(member)
        if source is None:
            raise ArchiveError("the archive's manifest is not a file")
        return Manifest.from_json(source.read())


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"the archive names a member outside its folders: {name!r}")
    return path


def extract_checked(path: Path, manifest: Manifest, into: Path,
                    progress: ProgressCallback | None = None) -> None:
    """Extract every member into the folder `into`, each checked against the manifest;
    ArchiveError at the first difference, with what was extracted left for the caller to
    remove."""
    seen: set[str] = set()
    with _opened(path) as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            expected = manifest.members.get(member.name)
            if expected is None or not member.isfile():
                raise ArchiveError(f"the archive holds {member.name!r}, which its manifest "
                                   "does not list: it was changed after the backup")
            target = into / _safe_name(member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            hashing = _Hashing(source, progress)
            with target.open("wb") as out:
                while chunk := hashing.read(_BUFFER):
                    out.write(chunk)
            if hashing.size != expected["size"] or hashing.digest.hexdigest() != expected["sha256"]:
                raise ArchiveError(f"{member.name} does not match its checksum in the "
                                   "manifest: the archive is damaged")
            seen.add(member.name)
    missing = sorted(set(manifest.members) - seen)
    if missing:
        raise ArchiveError(f"the archive lacks {len(missing)} of the members its manifest "
                           f"lists (first: {missing[0]}): it is damaged or cut short")
