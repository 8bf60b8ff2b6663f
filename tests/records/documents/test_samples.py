"""The hand-written PDF and PNG files are well formed."""

from __future__ import annotations

import re
import struct
import zlib

from api.records.documents.content import detect_content_type
from api.records.documents.samples import pdf, png


def test_the_pdf_cross_reference_table_points_at_each_object():
    data = pdf("Compte rendu (biologie)", ["Hémoglobine 13,8 g/dL", "back\\slash"])
    assert detect_content_type(data) == "application/pdf"
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))  # type: ignore[union-attr]
    assert data[startxref:].startswith(b"xref\n0 6\n")
    offsets = [int(match) for match in re.findall(rb"(\d{10}) 00000 n \n", data)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj\n" % number)


def test_pdf_text_is_escaped_and_encoded_for_the_standard_font():
    data = pdf("a (b) c\\d", ["Hémoglobine"])
    assert b"(a \\(b\\) c\\\\d)" in data
    assert b"H\xe9moglobine" in data  # é in WinAnsi
    length = int(re.search(rb"/Length (\d+) >>\nstream\n", data).group(1))  # type: ignore[union-attr]
    stream_start = data.index(b"stream\n") + len(b"stream\n")
    assert data[stream_start + length:].startswith(b"\nendstream")


def test_the_png_has_valid_chunks_and_pixels():
    data = png(4, 3)
    assert detect_content_type(data) == "image/png"
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        position += 12 + length
    assert struct.unpack(">II", chunks[b"IHDR"][:8]) == (4, 3)
    assert len(zlib.decompress(chunks[b"IDAT"])) == 3 * (1 + 4 * 3)
    assert list(chunks) == [b"IHDR", b"IDAT", b"IEND"]


def test_the_same_arguments_give_the_same_bytes():
    assert pdf("x", ["y"]) == pdf("x", ["y"])
    assert png() == png()
