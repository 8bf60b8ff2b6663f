"""Backup, wipe, restore with the keys export: the same rows in every table, the same document
bytes downloadable through the app, and an access history that verifies (SQLite and
PostgreSQL)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx

from api.audit.verify import verify_chains
from api.demo import load_demo, load_records
from api.identity.models import Account
from api.settings import Settings
from tests.backup.support import carnet, every_row, reopen, wipe
from tests.factories import make_patient, sign_in
from tests.records.documents.helpers import PDF_BYTES, Signed, uploaded


def _files(settings: Settings) -> dict[str, str]:
    root = settings.var_dir / "documents"
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file()} if root.exists() else {}


def _without_id(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(item for item in row if item[0] != "id") for row in rows), key=repr)


async def test_backup_wipe_restore_gives_back_every_row_and_document(
        settings: Settings, client: httpx.AsyncClient, tmp_path: Path) -> None:
    await load_demo()
    await load_records(settings)
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    signed = Signed(client, await sign_in(client, account, settings.secret_key), account,
                    patient)
    url = (await uploaded(signed, PDF_BYTES, title="Bilan sanguin"))["document"]["downloadUrl"]
    assert (await client.get(url)).content == PDF_BYTES
    before, files = await every_row(), _files(settings)
    assert before["document"] and before["access_event"]

    archive, keys = tmp_path / "carnet.tar.gz", tmp_path / "keys.json"
    done = carnet(settings, "backup", str(archive), "--progress")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Backup written to {archive}: ")
    assert "database: " in done.stderr and "(100%)" in done.stderr
    exported = carnet(settings, "keys", "export", str(keys))
    assert exported.returncode == 0, exported.stderr
    assert f"Exported {len(before['patient_key'])} patient keys" in exported.stdout

    await wipe(settings)
    restored = carnet(settings, "restore", str(archive), "--keys", str(keys))
    assert restored.returncode == 0, restored.stderr
    assert "every chain is intact and ends at its sealed head" in restored.stdout
    assert (f"Data keys: 0 kept from this database, {len(before['patient_key'])} imported "
            "from the keys file.") in restored.stdout
    assert "have no data key" not in restored.stdout

    await reopen(settings)
    after = await every_row()
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        if table == "patient_key":  # written anew from the keys file: new row ids
            rows, after[table] = _without_id(rows), _without_id(after[table])
        assert after[table] == rows, f"table {table} differs after the restore"
    # Every file a row names (files no row names, left by other tests, are not kept).
    named = {dict(row)["storage_key"] for table in ("document", "message_attachment")
             for row in before[table]}
    assert _files(settings) == {path: digest for path, digest in files.items()
                                if path.rsplit("/", 1)[-1] in named}
    assert len(named) >= 13
    # The same session, the same download, the same bytes.
    download = await client.get(url)
    assert download.status_code == 200 and download.content == PDF_BYTES
    report = await verify_chains(settings)
    assert report.ok and report.events == len(before["access_event"]) > 0
