"""Two app processes on one PostgreSQL, each with its own var directory: a document uploaded
through one is downloaded through the other, byte for byte. Nothing lands on either disk.

Skipped without PostgreSQL (run `pytest -m db --db=postgres`): on SQLite the one database
file is itself on one machine's disk, so local files are the storage there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.identity.models import Account
from api.records.documents.content import MAX_FILE_BYTES
from api.records.documents.models import Document, StoredFile
from api.security import csrf
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.live_server import free_port, wait_until_up
from tests.records.documents.helpers import PDF_BYTES, UPLOAD, multipart_operation


@pytest.fixture(scope="module")
def two_servers(settings: Settings, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[list[tuple[str, Path, subprocess.Popen[bytes]]]]:
    if settings.is_sqlite:
        pytest.skip("needs PostgreSQL (pytest -m db --db=postgres): app processes share "
                    "documents through a database server, and SQLite is a file on one disk")
    servers = []
    try:
        for name in ("first", "second"):
            var_dir = tmp_path_factory.mktemp(f"var-{name}")
            port = free_port()
            # No CARNET_DOCUMENT_STORAGE: a PostgreSQL deployment keeps documents in it.
            env = {**os.environ, "DATABASE_URL": settings.database_url,
                   "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(var_dir)}
            env.pop("CARNET_DOCUMENT_STORAGE", None)
            process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            servers.append((f"http://127.0.0.1:{port}", var_dir, process))
        for url, _, process in servers:
            wait_until_up(url, process)
        yield servers
    finally:
        for _, _, process in servers:
            process.terminate()
        for _, _, process in servers:
            process.wait(timeout=10)


def _files_under(var_dir: Path) -> list[Path]:
    """Files a process wrote under its var directory, but for its start-up cache (the
    operations' check, var/cache): no document byte may be there."""
    return [path for path in var_dir.rglob("*")
            if path.is_file() and "cache" not in path.relative_to(var_dir).parts]


def _memory_mb(process: subprocess.Popen[bytes], field: str) -> float | None:
    """VmRSS (resident now) or VmHWM (peak resident) in MB; None off Linux."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith(f"{field}:")), None)
    return int(line.split()[1]) / 1024 if line else None


async def _signed_in_client(url: str, account: Account, settings: Settings
                            ) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=url, timeout=60)
    token = await sign_in(client, account, settings.secret_key)
    return client, token


async def test_a_document_uploaded_through_one_process_is_read_through_the_other(
        db: None, two_servers, settings: Settings):
    (first, first_var, _), (second, second_var, _) = two_servers
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    uploader, token = await _signed_in_client(first, account, settings)
    reader, _ = await _signed_in_client(second, account, settings)
    async with uploader, reader:
        sent = await uploader.post(
            "/documents/upload",
            data={"csrf_token": token, "patient_id": str(patient.id), "title": "Bilan"},
            files={"file": ("bilan.pdf", PDF_BYTES, "application/pdf")})
        assert sent.status_code == 303, sent.text
        document = await Document.get(patient_id=patient.id)
        received = await reader.get(f"/documents/{document.id}/content")
    assert received.status_code == 200
    assert received.content == PDF_BYTES
    assert received.headers["content-type"] == "application/pdf"
    assert await StoredFile.filter(key=document.storage_key).exists()
    assert _files_under(first_var) == _files_under(second_var) == []


async def test_a_20_mb_document_crosses_processes_without_either_holding_it_whole(
        db: None, two_servers, settings: Settings):
    (first, first_var, first_process), (second, second_var, second_process) = two_servers
    content = b"%PDF-1.7\n" + os.urandom(MAX_FILE_BYTES - 9)
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    uploader, token = await _signed_in_client(second, account, settings)
    reader, _ = await _signed_in_client(first, account, settings)
    before = [_memory_mb(first_process, "VmRSS"), _memory_mb(second_process, "VmRSS")]
    async with uploader, reader:
        variables = {"input": {"patientId": str(patient.id), "file": None}}
        sent = await uploader.post(
            "/graphql", data=multipart_operation(UPLOAD, variables, "variables.input.file"),
            files={"0": ("scan.pdf", content, "application/pdf")},
            headers={csrf.HEADER: token})
        assert sent.status_code == 200, sent.text
        payload = sent.json()["data"]["uploadDocument"]
        assert payload["userErrors"] == []
        assert payload["document"]["sizeBytes"] == MAX_FILE_BYTES
        received, largest = hashlib.sha256(), 0
        async with reader.stream("GET", payload["document"]["downloadUrl"]) as response:
            assert response.status_code == 200
            async for chunk in response.aiter_bytes():
                received.update(chunk)
                largest = max(largest, len(chunk))
    assert received.hexdigest() == hashlib.sha256(content).hexdigest()
    assert _files_under(first_var) == _files_under(second_var) == []
    after = [_memory_mb(first_process, "VmHWM"), _memory_mb(second_process, "VmHWM")]
    if None in before or None in after:
        return
    growth = [end - start for start, end in zip(before, after, strict=True)]  # type: ignore[operator]
    print(f"peak RSS over the resident memory before: {growth[0]:.1f} MB in the process "
          f"serving the download, {growth[1]:.1f} MB in the one taking the upload")
    # The whole file in memory would add 20 MB at least (the form parser spools to disk).
    assert max(growth) < 12, growth
