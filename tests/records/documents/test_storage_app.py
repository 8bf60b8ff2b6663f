"""The app with its documents in the database: upload, download and removal through the
real routes and mutations, on SQLite and (with --db=postgres) PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api.identity.models import Account
from api.records.documents.models import StoredChunk, StoredFile
from api.settings import Settings
from tests.factories import graphql, make_patient, sign_in
from tests.records.documents.helpers import PDF_BYTES, Signed, upload_form, upload_graphql, uploaded

REMOVE = """
mutation Remove($id: ID!) { removeDocument(id: $id) { removedId userErrors { code } } }
"""
BIG_PDF = PDF_BYTES + b"%" + b"x" * 700_000  # three chunks


@pytest.fixture
def database_settings(settings: Settings, tmp_path: Path) -> Settings:
    return replace(settings, var_dir=tmp_path, document_storage="database")


@pytest.fixture
async def patient_on_database(db: None, database_settings: Settings
                              ) -> AsyncIterator[Signed]:
    from web.app import create_app

    app = create_app(database_settings, manage_database=False)
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        token = await sign_in(http, account, database_settings.secret_key)
        yield Signed(http, token, account, patient)


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def _rows() -> int:
    return await StoredFile.all().count() + await StoredChunk.all().count()


async def test_an_uploaded_document_is_kept_in_the_database_and_read_back(
        patient_on_database: Signed, database_settings: Settings):
    document = (await uploaded(patient_on_database, BIG_PDF))["document"]
    response = await patient_on_database.client.get(document["downloadUrl"])
    assert response.status_code == 200
    assert response.content == BIG_PDF
    assert await StoredChunk.all().count() == 3
    assert _files(database_settings.var_dir) == []


async def test_the_plain_form_stores_in_the_database_too(patient_on_database: Signed):
    response = await upload_form(patient_on_database, PDF_BYTES, next="/")
    assert response.status_code == 303, response.text
    assert await StoredFile.all().count() == 1


async def test_removing_a_document_removes_its_bytes(patient_on_database: Signed):
    document = (await uploaded(patient_on_database, BIG_PDF))["document"]
    body = await graphql(patient_on_database.client, patient_on_database.csrf, REMOVE,
                         {"id": document["id"]})
    assert body["data"]["removeDocument"]["userErrors"] == []  # type: ignore[index]
    assert await _rows() == 0
    assert (await patient_on_database.client.get(document["downloadUrl"])).status_code == 404


@pytest.mark.parametrize(("content", "code"), [
    (b"MZ\x90\x00" + b"\x00" * 300_000, "UNSUPPORTED_FILE_TYPE"),
    (b"%PDF-1.4\n" + b"x" * (20 * 1024 * 1024), "FILE_TOO_LARGE"),
])
async def test_a_refused_upload_leaves_no_bytes_behind(
        patient_on_database: Signed, content: bytes, code: str):
    response = await upload_graphql(patient_on_database, content)
    body = response.json()
    problems = [error["code"] for error in body["data"]["uploadDocument"]["userErrors"]]
    assert problems == [code]
    assert await _rows() == 0


async def test_a_download_is_sent_as_stored_not_compressed_again(patient_on_database: Signed):
    """PDF, JPEG and PNG are compressed already: gzip would cost CPU on up to 20 MB for
    nothing and drop the Content-Length the route sets."""
    document = (await uploaded(patient_on_database, BIG_PDF))["document"]
    response = await patient_on_database.client.get(
        document["downloadUrl"], headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["content-length"] == str(len(BIG_PDF))
    assert response.content == BIG_PDF
