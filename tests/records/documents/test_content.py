"""What a file is, decided from its bytes; names made safe for display and download."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from api.records.documents.content import (
    MAX_FILE_BYTES,
    check_stream,
    clean_filename,
    content_disposition,
    detect_content_type,
    download_filename,
)
from api.records.documents.messages import DocumentProblem
from api.records.documents.samples import pdf, png


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"MZ\x90\x00", None),  # a Windows program
    (b"\x7fELF\x02\x01", None),
    (b"<html><script>", None),
    (b"PK\x03\x04", None),  # a zip, or an office document
    (b"%PDF", None),  # cut short
    (b"\x89PNG\r\n\x1a", None),
])
def test_the_type_comes_from_the_first_bytes(head: bytes, expected: str | None):
    assert detect_content_type(head) == expected


async def test_the_stream_is_hashed_and_counted_even_when_the_signature_is_split():
    data = png()
    checked, stream = await check_stream(_chunks(data[:3], data[3:5], data[5:]))
    assert checked.content_type == "image/png"
    assert b"".join([chunk async for chunk in stream]) == data
    import hashlib

    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size_bytes == len(data)


async def test_an_empty_stream_is_an_empty_file():
    with pytest.raises(DocumentProblem) as problem:
        await check_stream(_chunks())
    assert problem.value.code == "EMPTY_FILE"
    assert problem.value.message("en") == "This file is empty: choose another one."
    assert problem.value.message("fr") == "Ce fichier est vide\u202f: choisissez-en un autre."


async def test_the_stream_stops_one_byte_past_the_limit():
    head = pdf("x")
    filler = b"0" * (MAX_FILE_BYTES - len(head))
    checked, stream = await check_stream(_chunks(head, filler, b"1", b"never read"))
    with pytest.raises(DocumentProblem) as problem:
        async for _ in stream:
            pass
    assert problem.value.code == "FILE_TOO_LARGE"
    assert checked.size_bytes == MAX_FILE_BYTES + 1


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\moi\\scan.pdf", "scan.pdf"),
    ("compte\x00 rendu\n.pdf", "compte rendu.pdf"),
    ("  .cache  ", "cache"),
    ("é" * 300, "é" * 255),
    (None, ""),
])
def test_file_names_are_kept_for_display_only_and_cleaned(raw: str | None, shown: str):
    assert clean_filename(raw) == shown


def test_the_download_name_carries_the_real_extension():
    assert download_filename("scan.pdf", "Scan", "image/png") == "scan.png"
    assert download_filename("", "Bilan; juin", "application/pdf") == "Bilan juin.pdf"
    assert download_filename('a"b.jpg', "t", "image/jpeg") == "ab.jpg"


def test_content_disposition_is_inline_and_percent_encoded():
    assert content_disposition("Bilan été.pdf") == (
        "inline; filename*=UTF-8''Bilan%20%C3%A9t%C3%A9.pdf")
