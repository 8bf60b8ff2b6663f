"""What a document's bytes are: checked from the bytes themselves, never from the name.

A file is accepted when its first bytes are those of a PDF, a JPEG or a PNG, it is not
empty and not larger than 20 MB. The client's file name and content type are ignored
for that decision: a PNG named `.pdf` is stored as a PNG, a program named `.pdf` is
refused.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import quote

from api.records.documents.messages import DocumentProblem, upload_problem

MAX_FILE_BYTES = 20 * 1024 * 1024
READ_SIZE = 64 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_HEAD_BYTES = max(len(signature) for signature, _ in _SIGNATURES)
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}



def file_problem(code: str) -> DocumentProblem:
    return upload_problem(code)


def detect_content_type(head: bytes) -> str | None:
    """The content type the first bytes prove, or None for anything else."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


class ReadableFile(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


async def chunks_of(file: ReadableFile, limit: int = MAX_FILE_BYTES + 1) -> AsyncIterator[bytes]:
    """Read an uploaded file in chunks, never more than `limit` bytes in all."""
    remaining = limit
    while remaining > 0:
        chunk = await file.read(min(READ_SIZE, remaining))
        if not chunk:
            return
        remaining -= len(chunk)
        yield chunk


@dataclass
class CheckedFile:
    """Known once the stream returned by `check_stream` has been read to its end."""

    content_type: str
    size_bytes: int = 0
    sha256: str = ""


async def check_stream(source: AsyncIterator[bytes]) -> tuple[CheckedFile, AsyncIterator[bytes]]:
    """Check the first bytes now; hash, count and cap the rest while it is being stored.

    Raises EMPTY_FILE or UNSUPPORTED_FILE_TYPE at once; the returned stream raises
    FILE_TOO_LARGE as soon as more than MAX_FILE_BYTES went through it.
    """
    head = b""
    while len(head) < _HEAD_BYTES:
        chunk = await anext(source, None)
        if chunk is None:
            break
        head += chunk
    if not head:
        raise file_problem("EMPTY_FILE")
    content_type = detect_content_type(head)
    if content_type is None:
        raise file_problem("UNSUPPORTED_FILE_TYPE")
    checked = CheckedFile(content_type=content_type)

    async def stream() -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        pending: bytes | None = head
        while pending is not None:
            checked.size_bytes += len(pending)
            if checked.size_bytes > MAX_FILE_BYTES:
                raise file_problem("FILE_TOO_LARGE")
            digest.update(pending)
            yield pending
            pending = await anext(source, None)
        checked.sha256 = digest.hexdigest()

    return checked, stream()


def clean_filename(name: str | None) -> str:
    """A file name fit for display: no folders, no control characters, 255 characters at most."""
    if not name:
        return ""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    visible = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return " ".join(visible.split()).lstrip(".")[:255]


def download_filename(original: str, title: str, content_type: str) -> str:
    """The name offered on download, with the extension of what the file really is."""
    stem = PurePosixPath(clean_filename(original)).stem or clean_filename(title) or "document"
    safe = "".join(ch for ch in stem if ch not in '"\\;,')[:120].strip() or "document"
    return safe + EXTENSIONS.get(content_type, "")


def content_disposition(filename: str) -> str:
    return "inline; filename*=UTF-8''" + quote(filename, safe="")
