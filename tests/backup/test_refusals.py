"""What `carnet restore` refuses, changing nothing: a non-empty target without --force, an
archive with one byte changed, an archive from a newer schema."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from api.settings import Settings
from tests.backup.support import carnet, every_row, reopen
from tests.backup.test_while_writing import _add_document
from tests.factories import make_patient


def _flip_a_byte(archive: Path, damaged: Path) -> None:
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("database/")
                      and m.size > 100)
    data = bytearray(archive.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0x01
    damaged.write_bytes(bytes(data))


def _from_a_newer_version(archive: Path, newer: Path) -> None:
    with tarfile.open(archive) as tar, tarfile.open(newer, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["audit"].append("0099_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def _leftovers(settings: Settings) -> list[str]:
    return sorted(path.name for path in settings.var_dir.iterdir() if path.name.startswith("."))


async def test_a_restore_that_would_be_wrong_is_refused_and_changes_nothing(
        settings: Settings, db: None, tmp_path: Path) -> None:
    patient = await make_patient()
    await _add_document(settings, patient, 1)
    archive = tmp_path / "carnet.tar"
    assert carnet(settings, "backup", str(archive)).returncode == 0
    before = await every_row()
    files = sorted((settings.var_dir / "documents").rglob("*"))

    refused = carnet(settings, "restore", str(archive))
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: not restored: the target is not empty (")
    assert "Pass --force to replace it" in refused.stderr

    damaged = tmp_path / "damaged.tar"
    _flip_a_byte(archive, damaged)
    refused = carnet(settings, "restore", str(damaged), "--force")
    assert refused.returncode == 2
    assert "does not match its checksum in the manifest: the archive is damaged" in refused.stderr
    assert refused.stdout == ""

    newer = tmp_path / "newer.tar"
    _from_a_newer_version(archive, newer)
    refused = carnet(settings, "restore", str(newer), "--force")
    assert refused.returncode == 2
    assert "the archive comes from a newer version of Carnet" in refused.stderr
    assert "audit.0099_from_the_future" in refused.stderr

    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    refused = carnet(settings, "restore", str(cut), "--force")
    assert refused.returncode == 2 and "not restored" in refused.stderr

    await reopen(settings)
    assert await every_row() == before
    assert sorted((settings.var_dir / "documents").rglob("*")) == files
    assert _leftovers(settings) == []

