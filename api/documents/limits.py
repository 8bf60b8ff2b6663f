"""A cap on the size of multipart request bodies, so an upload cannot fill the disk.

The form parser spools files to temporary files before any resolver runs; these
helpers stop a body that announces, or turns out to carry, more than one maximal
document plus room for the form's other fields.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope

from api.documents.content import MAX_FILE_BYTES

MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024


class BodyTooLarge(ValueError):
    """The request body went past MAX_BODY_BYTES (a ValueError: form parsers report it)."""


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return b""


def is_multipart(scope: Scope) -> bool:
    return _header(scope, b"content-type").lower().startswith(b"multipart/form-data")


def announced_too_large(scope: Scope, limit: int = MAX_BODY_BYTES) -> bool:
    length = _header(scope, b"content-length")
    return length.isdigit() and int(length) > limit


def limited_receive(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    """`receive`, raising BodyTooLarge once more than `limit` body bytes came in."""
    received = 0

    async def wrapped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(f"request body larger than {limit} bytes")
        return message

    return wrapped
