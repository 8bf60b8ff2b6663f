"""The plain HTTP routes: downloading a document, uploading one with an ordinary form."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from starlette.requests import ClientDisconnect

from api.records.documents.models import Document
from api.records.documents.samples import png
from api.settings import Settings
from tests.records.documents.helpers import PDF_BYTES, Signed, stored_files, upload_form, uploaded

# --- download ----------------------------------------------------------------------------


async def test_download_returns_the_exact_bytes_with_safe_headers(owner: Signed):
    document = (await uploaded(owner, filename="Bilan été.pdf"))["document"]
    response = await owner.client.get(document["downloadUrl"])
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        "inline; filename*=UTF-8''Bilan%20%C3%A9t%C3%A9.pdf")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-security-policy"] == "sandbox"


async def test_a_png_sent_as_pdf_downloads_as_png_with_a_png_name(owner: Signed):
    picture = png()
    document = (await uploaded(owner, picture, filename="scan.pdf"))["document"]
    response = await owner.client.get(document["downloadUrl"])
    assert response.content == picture
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].endswith("scan.png")


async def test_a_stranger_gets_not_found_on_download(owner: Signed, stranger: Signed):
    document = (await uploaded(owner))["document"]
    response = await stranger.client.get(document["downloadUrl"])
    assert response.status_code == 404
    assert PDF_BYTES not in response.content


async def test_download_without_signing_in_is_not_found(owner: Signed):
    document = (await uploaded(owner))["document"]
    owner.client.cookies.clear()
    assert (await owner.client.get(document["downloadUrl"])).status_code == 404


async def test_download_of_an_unknown_or_malformed_id_is_not_found(owner: Signed):
    assert (await owner.client.get("/documents/999999/content")).status_code == 404
    assert (await owner.client.get("/documents/abc/content")).status_code == 404
    assert (await owner.client.get(f"/documents/{'9' * 40}/content")).status_code == 404


# --- form upload -------------------------------------------------------------------------


async def test_form_upload_stores_the_document_and_redirects_to_next(owner: Signed):
    response = await upload_form(owner, PDF_BYTES, "ordonnance.pdf", title="Ordonnance",
                                 type_code="57833-6", document_date="2025-01-02",
                                 next="/record/documents")
    assert response.status_code == 303
    assert response.headers["location"] == "/record/documents"
    document = await Document.get(patient_id=owner.patient.id)
    assert (document.title, document.type_code, document.category) == (
        "Ordonnance", "57833-6", "prescription")
    assert document.created_by_id == owner.account.id
    download = await owner.client.get(f"/documents/{document.id}/content")
    assert download.content == PDF_BYTES


async def test_form_upload_never_redirects_to_another_site(owner: Signed):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = await upload_form(owner, PDF_BYTES, next=target)
        assert response.headers["location"] == "/"


async def test_form_upload_of_a_program_answers_400_with_a_readable_message(
    owner: Signed, settings: Settings,
):
    before = (await stored_files(settings))
    response = await upload_form(owner, b"MZ\x90\x00" + b"\x00" * 64, "photo.pdf")
    assert response.status_code == 400
    assert "PDF" in response.text and "JPEG" in response.text
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def test_form_upload_with_a_wrong_csrf_token_is_refused(owner: Signed):
    response = await upload_form(owner, PDF_BYTES, csrf_token="x" * 43)
    assert response.status_code == 403
    assert await Document.all().count() == 0


async def test_form_upload_to_a_strangers_record_is_not_found(owner: Signed, stranger: Signed):
    response = await upload_form(stranger, PDF_BYTES, patient_id=owner.patient.id)
    assert response.status_code == 404
    assert await Document.all().count() == 0


async def test_form_upload_without_signing_in_is_refused(owner: Signed):
    owner.client.cookies.clear()
    response = await upload_form(owner, PDF_BYTES)
    assert response.status_code == 401


async def test_form_upload_with_a_bad_date_says_so(owner: Signed):
    owner.client.cookies.set("carnet_lang", "en")
    response = await upload_form(owner, PDF_BYTES, document_date="02/01/2025")
    assert response.status_code == 400
    assert response.text == "Enter a date such as 14/03/2025."


async def test_a_post_that_is_not_a_file_form_is_refused(owner: Signed):
    without_token = await owner.client.post("/documents/upload", data={"title": "x"})
    with_token = await owner.client.post("/documents/upload", data={"title": "x"},
                                         headers={"x-csrf-token": owner.csrf})
    assert (without_token.status_code, with_token.status_code) == (403, 400)


async def test_a_form_announcing_far_more_than_20_mb_is_refused_before_reading(owner: Signed):
    response = await owner.client.post(
        "/documents/upload", content=b"--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x",
                 "content-length": str(40 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "20 Mo" in response.text


def _multipart(owner: Signed, content: bytes) -> tuple[bytes, str]:
    boundary = "carnetboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{owner.csrf}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="patient_id"\r\n\r\n'
        f"{owner.patient.id}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


async def test_a_truncated_form_body_leaves_nothing_behind(owner: Signed, settings: Settings):
    before = (await stored_files(settings))
    body, content_type = _multipart(owner, PDF_BYTES * 50)
    response = await owner.client.post(
        "/documents/upload", content=body[: len(body) // 2],
        headers={"content-type": content_type, "content-length": str(len(body))},
    )
    assert response.status_code == 400
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def _post_then_disconnect(app: Any, path: str, headers: Sequence[tuple[bytes, bytes]],
                                body: bytes) -> list[dict[str, Any]]:
    """Send half of `body`, then the client goes away (an interrupted upload)."""
    messages = [{"type": "http.request", "body": body[: len(body) // 2], "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if len(messages) > 1 else messages[0]

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": list(headers),
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    with contextlib.suppress(ClientDisconnect):
        await app(scope, receive, send)
    return sent


def _headers(owner: Signed, content_type: str, length: int) -> list[tuple[bytes, bytes]]:
    cookies = "; ".join(f"{name}={value}" for name, value in owner.client.cookies.items())
    return [(b"host", b"testserver"), (b"cookie", cookies.encode()),
            (b"content-type", content_type.encode()), (b"content-length", str(length).encode()),
            (b"x-csrf-token", owner.csrf.encode())]


async def test_a_client_leaving_mid_upload_leaves_nothing_behind(
    app: Any, owner: Signed, settings: Settings,
):
    before = (await stored_files(settings))
    body, content_type = _multipart(owner, PDF_BYTES * 2000)
    sent = await _post_then_disconnect(app, "/documents/upload",
                                       _headers(owner, content_type, len(body)), body)
    assert sent[0]["status"] == 400
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0


async def test_a_client_leaving_mid_graphql_upload_leaves_nothing_behind(
    app: Any, owner: Signed, settings: Settings,
):
    import json

    from tests.records.documents.helpers import UPLOAD

    before = (await stored_files(settings))
    boundary = "graphqlboundary"
    operations = json.dumps({"query": UPLOAD, "variables": {
        "input": {"patientId": str(owner.patient.id), "file": None}}})
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        f"{operations}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        '{"0": ["variables.input.file"]}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF_BYTES * 2000 + f"\r\n--{boundary}--\r\n".encode()
    headers = _headers(owner, f"multipart/form-data; boundary={boundary}", len(body))
    await _post_then_disconnect(app, "/graphql", headers, body)
    assert (await stored_files(settings)) == before
    assert await Document.all().count() == 0
