"""Tiny, valid PDF and PNG files written by hand, for demo data and tests.

Enough of each format for a reader to open them: one A4 page of Helvetica text
(WinAnsi encoding, so French accents show), or a small gradient picture. The output
depends only on the arguments, so the same call always gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

_A4 = (595, 842)


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_content(title: str, lines: Sequence[str]) -> bytes:
    parts = [b"BT /F1 18 Tf 56 770 Td " + _pdf_text(title) + b" Tj ET"]
    y = 730
    for line in lines:
        parts.append(b"BT /F1 11 Tf 56 %d Td " % y + _pdf_text(line) + b" Tj ET")
        y -= 18
    return b"\n".join(parts)


def pdf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page PDF showing `title` and then each line."""
    content = _page_content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % _A4
        + b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int = 64, height: int = 48, tint: tuple[int, int, int] = (200, 120, 110)) -> bytes:
    """An RGB picture: a soft gradient of `tint`."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type "none" for this row
        for x in range(width):
            shade = 0.6 + 0.4 * (x + y) / (width + height)
            rows += bytes(min(255, int(channel * shade)) for channel in tint)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _png_chunk(b"IEND", b""))
