"""Uploading a document through GraphQL (multipart request)."""

from __future__ import annotations

from datetime import date, timedelta

from api import clock
from api.records.documents.content import MAX_FILE_BYTES
from api.records.documents.models import Document
from api.records.documents.samples import png
from api.settings import Settings
from tests.records.documents.helpers import (
    PDF_BYTES,
    Signed,
    stored_files,
    upload_graphql,
    uploaded,
)


async def test_patient_uploads_a_pdf_with_a_type_and_a_date(owner: Signed, settings: Settings):
    before = (await stored_files(settings))
    payload = await uploaded(owner, filename="bilan.pdf", title="Bilan sanguin",
                             typeCode="11502-2", documentDate="2025-03-04")
    document = payload["document"]
    assert document["title"] == "Bilan sanguin"
    assert document["typeCode"] == "11502-2"
    assert document["typeLabel"] == "Compte rendu d'examens de biologie médicale"
    assert document["category"] == "REPORT"
    assert document["contentType"] == "application/pdf"
    assert document["sizeBytes"] == len(PDF_BYTES)
    assert document["documentDate"] == "2025-03-04"
    assert document["downloadUrl"] == f"/documents/{document['id']}/content"
    assert document["provenance"]["createdBy"]["role"] == "patient"
    assert len((await stored_files(settings)) - before) == 1


async def test_a_document_without_type_or_title_is_a_patient_document_named_after_its_file(
    owner: Signed,
):
    document = (await uploaded(owner, filename="C:\\Scans\\ordonnance mai.pdf"))["document"]
    assert document["typeCode"] == "51855-5"
    assert document["category"] == "PATIENT_DOCUMENT"
    assert document["title"] == "ordonnance mai"
    assert document["documentDate"] == clock.now().date().isoformat()


async def test_a_png_named_pdf_is_stored_as_a_png(owner: Signed):
    document = (await uploaded(owner, png(), filename="scan.pdf"))["document"]
    assert document["contentType"] == "image/png"


async def test_a_program_named_pdf_is_refused(owner: Signed, settings: Settings):
    before = (await stored_files(settings))
    response = await upload_graphql(owner, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,
                                    filename="facture.pdf")
    payload = response.json()["data"]["uploadDocument"]
    assert payload["document"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["UNSUPPORTED_FILE_TYPE"]
    assert payload["userErrors"][0]["field"] == "file"
    assert "PDF" in payload["userErrors"][0]["message"]
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def test_a_text_file_named_pdf_is_refused(owner: Signed):
    response = await upload_graphql(owner, b"Just some words, not a PDF.\n", filename="a.pdf")
    codes = [e["code"] for e in response.json()["data"]["uploadDocument"]["userErrors"]]
    assert codes == ["UNSUPPORTED_FILE_TYPE"]


async def test_an_empty_file_is_refused(owner: Signed, settings: Settings):
    before = (await stored_files(settings))
    response = await upload_graphql(owner, b"", filename="vide.pdf")
    errors = response.json()["data"]["uploadDocument"]["userErrors"]
    assert [e["code"] for e in errors] == ["EMPTY_FILE"]
    assert (await stored_files(settings)) == before


async def test_a_file_one_byte_over_20_mb_is_refused_and_nothing_is_kept(
    owner: Signed, settings: Settings,
):
    before = (await stored_files(settings))
    too_big = PDF_BYTES + b"0" * (MAX_FILE_BYTES + 1 - len(PDF_BYTES))
    response = await upload_graphql(owner, too_big, filename="gros.pdf")
    errors = response.json()["data"]["uploadDocument"]["userErrors"]
    assert [e["code"] for e in errors] == ["FILE_TOO_LARGE"]
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def test_a_file_of_exactly_20_mb_is_accepted(owner: Signed):
    exact = PDF_BYTES + b"0" * (MAX_FILE_BYTES - len(PDF_BYTES))
    document = (await uploaded(owner, exact))["document"]
    assert document["sizeBytes"] == MAX_FILE_BYTES


async def test_a_body_announcing_far_more_than_20_mb_is_refused_before_reading(owner: Signed):
    response = await owner.client.post(
        "/graphql", content=b"--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x",
                 "content-length": str(40 * 1024 * 1024), "x-csrf-token": owner.csrf},
    )
    assert response.status_code == 413


async def test_unknown_type_and_future_date_are_both_reported_in_english(owner: Signed):
    owner.client.cookies.set("carnet_lang", "en")
    tomorrow_everywhere = clock.now().date() + timedelta(days=2)
    response = await upload_graphql(owner, PDF_BYTES, typeCode="99999-9",
                                    documentDate=tomorrow_everywhere.isoformat())
    payload = response.json()["data"]["uploadDocument"]
    assert {(e["field"], e["code"]) for e in payload["userErrors"]} == {
        ("typeCode", "UNKNOWN_DOCUMENT_TYPE"), ("documentDate", "DATE_IN_FUTURE")}
    assert "future" in " ".join(e["message"] for e in payload["userErrors"])
    assert await Document.all().count() == 0


async def test_a_document_dated_today_is_accepted(owner: Signed):
    today = clock.now().date()
    document = (await uploaded(owner, documentDate=today.isoformat()))["document"]
    assert document["documentDate"] == today.isoformat()


async def test_a_stranger_cannot_upload_to_someone_elses_record(owner: Signed, stranger: Signed,
                                                                settings: Settings):
    before = (await stored_files(settings))
    response = await upload_graphql(stranger, PDF_BYTES, patient_id=owner.patient.id)
    body = response.json()
    assert body["data"] is None or body["data"]["uploadDocument"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await stored_files(settings)) == before


async def test_an_upload_without_the_csrf_header_is_refused(owner: Signed):
    response = await owner.client.post(
        "/graphql", data={"operations": "{}", "map": "{}"},
        files={"0": ("a.pdf", PDF_BYTES, "application/pdf")},
    )
    assert response.status_code == 403


async def test_a_string_instead_of_a_file_is_a_user_error(owner: Signed):
    from tests.factories import graphql
    from tests.records.documents.helpers import UPLOAD

    body = await graphql(owner.client, owner.csrf, UPLOAD, {
        "input": {"patientId": str(owner.patient.id), "file": "not a file"}})
    errors = body["data"]["uploadDocument"]["userErrors"]  # type: ignore[index]
    assert [e["code"] for e in errors] == ["FILE_MISSING"]


async def test_the_document_date_may_be_long_ago(owner: Signed):
    document = (await uploaded(owner, documentDate=date(1990, 5, 1).isoformat()))["document"]
    assert document["documentDate"] == "1990-05-01"
