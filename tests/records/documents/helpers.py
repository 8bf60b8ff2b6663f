"""Helpers for document tests: uploads in both ways, rows made directly, files on disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from api import clock
from api.identity.models import Account, Patient
from api.records.documents.models import Document, StoredChunk, StoredFile
from api.records.documents.samples import pdf
from api.security import csrf as csrf_module
from api.settings import Settings

PDF_BYTES = pdf("Compte rendu", ["Tout va bien."])

UPLOAD = """
mutation Upload($input: UploadDocumentInput!) {
  uploadDocument(input: $input) {
    document { id title typeCode typeLabel category contentType sizeBytes documentDate
               downloadUrl hiddenFromProfessionals
               provenance { createdBy { name role } } }
    userErrors { field code message }
  }
}
"""


@dataclass
class Signed:
    client: httpx.AsyncClient
    csrf: str
    account: Account
    patient: Patient


def multipart_operation(query: str, variables: dict[str, Any], file_path: str
                        ) -> dict[str, str]:
    """The `operations` and `map` fields of a GraphQL multipart request with one file."""
    return {"operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({"0": [file_path]})}


async def upload_graphql(
    signed: Signed, content: bytes, filename: str = "scan.pdf",
    content_type: str = "application/pdf", patient_id: int | None = None, **fields: Any,
) -> httpx.Response:
    variables = {"input": {"patientId": str(patient_id or signed.patient.id), "file": None,
                           **fields}}
    return await signed.client.post(
        "/graphql",
        data=multipart_operation(UPLOAD, variables, "variables.input.file"),
        files={"0": (filename, content, content_type)},
        headers={csrf_module.HEADER: signed.csrf},
    )


async def uploaded(signed: Signed, content: bytes = PDF_BYTES, **kwargs: Any
                   ) -> dict[str, Any]:
    """The `uploadDocument` payload of a successful GraphQL upload."""
    response = await upload_graphql(signed, content, **kwargs)
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()["data"]["uploadDocument"]
    assert payload["userErrors"] == [], payload
    return payload


async def upload_form(
    signed: Signed, content: bytes, filename: str = "scan.pdf", *,
    csrf_token: str | None = None, patient_id: int | None = None, **fields: str,
) -> httpx.Response:
    data = {"csrf_token": signed.csrf if csrf_token is None else csrf_token,
            "patient_id": str(patient_id or signed.patient.id), **fields}
    return await signed.client.post(
        "/documents/upload", data=data, files={"file": (filename, content, "application/pdf")},
    )


async def stored_files(settings: Settings) -> set[str]:
    """Everything the documents storage holds, partial writes included: the files under the
    var directory, or the stored files and chunks in the database."""
    if settings.document_storage == "database":
        # One entry a stored file, one a key whose chunks have no file row (a partial write).
        files = set(await StoredFile.all().values_list("key", flat=True))
        chunks = set(await StoredChunk.all().values_list("key", flat=True))
        return {f"file:{key}" for key in files} | {f"partial:{key}" for key in chunks - files}
    root = settings.var_dir / "documents"
    return {str(path) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


async def make_document(patient: Patient, author: Account | None = None, **values: Any
                        ) -> Document:
    """A row only (no file): for listing and policy tests."""
    moment = clock.now()
    defaults: dict[str, Any] = {
        "title": "Compte rendu", "type_code": "11488-4", "category": "report",
        "content_type": "application/pdf", "size_bytes": 10, "sha256": "0" * 64,
        "document_date": date(2024, 1, 1), "created_at": moment, "updated_at": moment,
        "created_by_id": author.id if author else patient.account_id,
        "updated_by_id": author.id if author else patient.account_id,
    }
    counter = await Document.all().count() + 1
    key = f"{counter:032x}"
    return await Document.create(patient_id=patient.id, storage_key=key,
                                 **{**defaults, **values})
