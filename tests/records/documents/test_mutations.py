"""Renaming, retyping and removing documents through GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from api.records.documents import services
from api.records.documents.models import Document
from api.records.documents.storage import storage_for
from api.settings import Settings
from tests.factories import graphql
from tests.records.documents.helpers import Signed, stored_files, uploaded

UPDATE = """
mutation Update($input: UpdateDocumentInput!) {
  updateDocument(input: $input) {
    document { id title typeCode category documentDate provenance { updatedBy { name } } }
    userErrors { field code message }
  }
}
"""
REMOVE = """
mutation Remove($id: ID!) { removeDocument(id: $id) { removedId userErrors { code } } }
"""
ONE = "query One($id: ID!) { document(id: $id) { id title } }"


async def _update(signed: Signed, **fields: Any) -> dict[str, Any]:
    body = await graphql(signed.client, signed.csrf, UPDATE, {"input": fields})
    return body  # type: ignore[return-value]


async def test_patient_renames_and_retypes_a_document(owner: Signed):
    document = (await uploaded(owner, title="Scan"))["document"]
    body = await _update(owner, id=document["id"], title="  Ordonnance   du Dr B. ",
                         typeCode="57833-6", documentDate="2024-12-01")
    updated = body["data"]["updateDocument"]["document"]
    assert updated["title"] == "Ordonnance du Dr B."
    assert (updated["typeCode"], updated["category"]) == ("57833-6", "PRESCRIPTION")
    assert updated["documentDate"] == "2024-12-01"
    assert updated["provenance"]["updatedBy"]["name"] == "Camille MARTIN"
    row = await Document.get(id=int(document["id"]))
    assert row.category == "prescription"


async def test_an_unknown_type_changes_nothing(owner: Signed):
    document = (await uploaded(owner, title="Scan", typeCode="11502-2"))["document"]
    body = await _update(owner, id=document["id"], title="Autre", typeCode="00000-0")
    payload = body["data"]["updateDocument"]
    assert payload["document"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("typeCode", "UNKNOWN_DOCUMENT_TYPE")]
    row = await Document.get(id=int(document["id"]))
    assert (row.title, row.type_code) == ("Scan", "11502-2")


async def test_an_empty_title_is_refused(owner: Signed):
    document = (await uploaded(owner, title="Scan"))["document"]
    body = await _update(owner, id=document["id"], title="   ")
    assert [e["code"] for e in body["data"]["updateDocument"]["userErrors"]] == [
        "TITLE_REQUIRED"]


async def test_removing_a_document_deletes_its_row_and_its_file(owner: Signed,
                                                                 settings: Settings):
    before = (await stored_files(settings))
    document = (await uploaded(owner))["document"]
    assert len((await stored_files(settings)) - before) == 1
    body = await graphql(owner.client, owner.csrf, REMOVE, {"id": document["id"]})
    assert body["data"]["removeDocument"] == {  # type: ignore[index]
        "removedId": document["id"], "userErrors": []}
    assert (await stored_files(settings)) == before
    assert not await Document.exists(id=int(document["id"]))
    assert (await owner.client.get(document["downloadUrl"])).status_code == 404


async def test_a_file_that_cannot_be_deleted_is_logged_not_shown(
    owner: Signed, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    settings: Settings,
):
    document = (await uploaded(owner))["document"]

    async def broken_delete(self: object, key: str) -> None:
        raise OSError("disk unavailable")

    storage = type(storage_for(settings))
    monkeypatch.setattr(storage, "delete", broken_delete)
    body = await graphql(owner.client, owner.csrf, REMOVE, {"id": document["id"]})
    assert body["data"]["removeDocument"]["userErrors"] == []  # type: ignore[index]
    assert not await Document.exists(id=int(document["id"]))
    assert any("could not delete" in record.message for record in caplog.records)


async def test_a_stranger_gets_not_found_for_every_document_operation(owner: Signed,
                                                                      stranger: Signed):
    document = (await uploaded(owner, title="Secret"))["document"]
    read = await graphql(stranger.client, stranger.csrf, ONE, {"id": document["id"]})
    update = await _update(stranger, id=document["id"], title="Pirate")
    remove = await graphql(stranger.client, stranger.csrf, REMOVE, {"id": document["id"]})
    for body in (read, update, remove):
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    row = await Document.get(id=int(document["id"]))
    assert row.title == "Secret"


async def test_the_owner_reads_one_document_by_id(owner: Signed):
    document = (await uploaded(owner, title="Mon bilan"))["document"]
    body = await graphql(owner.client, owner.csrf, ONE, {"id": document["id"]})
    assert body["data"]["document"] == {"id": document["id"], "title": "Mon bilan"}  # type: ignore[index]


async def test_a_malformed_id_is_a_clear_error(owner: Signed):
    body = await graphql(owner.client, owner.csrf, ONE, {"id": "1 OR 1=1"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_ID"  # type: ignore[index]


async def test_a_failed_insert_leaves_no_file(owner: Signed, settings: Settings,
                                              monkeypatch: pytest.MonkeyPatch):
    before = (await stored_files(settings))

    async def failing_create(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.Document, "create", failing_create)

    async def content():  # type: ignore[no-untyped-def]
        yield b"%PDF-1.4 tiny"

    with pytest.raises(RuntimeError):
        await services.add_document(
            storage_for(settings),
            patient_id=owner.patient.id, author_account_id=owner.account.id,
            content=content(), filename="a.pdf", details=services.DocumentDetails(),
        )
    assert (await stored_files(settings)) == before
