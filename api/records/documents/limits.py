"""A cap on the size of multipart request bodies, so an upload cannot fill the disk.

The form parser spools files to temporary files before any resolver runs; these
helpers stop a body that announces, or turns out to carry, more than one maximal
document plus room for the form's other fields.
"""

from __future__ import annotations

from starlette.types import Receive, Scope

from api.records.documents.content import MAX_FILE_BYTES
from api.security.limits import capped_receive, header, is_multipart

__all__ = ["MAX_BODY_BYTES", "BodyTooLarge", "announced_too_large", "is_multipart",
           "limited_receive"]

MAX_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024


class BodyTooLarge(ValueError):
    """The request body went past MAX_BODY_BYTES (a ValueError: form parsers report it)."""


def announced_too_large(scope: Scope, limit: int = MAX_BODY_BYTES) -> bool:
    length = header(scope, b"content-length")
    return length.isdigit() and int(length) > limit


def limited_receive(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    """`receive`, raising BodyTooLarge once more than `limit` body bytes came in."""
    return capped_receive(receive, limit, BodyTooLarge)
