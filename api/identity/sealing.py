"""AES-GCM sealing of texts and of byte streams under a patient's data key.

A sealed text is base64url text (so it fits a text column): a version byte, a 12-byte
random nonce, then the ciphertext and its 16-byte tag. The associated data names where the
text belongs (table, column, patient, row): the same ciphertext read anywhere else fails.

A sealed stream is a series of frames, each the sealing of at most ``FRAME_BYTES`` of the
plaintext: nonce, ciphertext, tag. Each frame's associated data carries its index and
whether it is the last one, so frames cannot be reordered, dropped, or cut short unseen.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import AsyncIterable, AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
# Plaintext bytes per frame of a sealed stream; a stored frame is 28 bytes longer.
FRAME_BYTES = 64 * 1024
SEALED_FRAME_BYTES = FRAME_BYTES + NONCE_BYTES + TAG_BYTES


class SealBroken(ValueError):
    """A sealed value that does not open with this key and this associated data."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal_bytes(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_bytes(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + TAG_BYTES or sealed[0] != VERSION:
        raise SealBroken("not a sealed value")
    nonce = sealed[1:1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealBroken("the sealed value does not open here") from None


def seal(key: bytes, plaintext: str, aad: bytes) -> str:
    """`plaintext` sealed under `key`, bound to `aad`, as base64url text."""
    return base64.urlsafe_b64encode(seal_bytes(key, plaintext.encode(), aad)).decode()


def open_(key: bytes, sealed: str, aad: bytes) -> str:
    """The text `seal` sealed; SealBroken when the key, the aad or a byte differs."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SealBroken("not a sealed value") from None
    try:
        return open_bytes(key, raw, aad).decode()
    except UnicodeDecodeError:  # pragma: no cover - a tag that holds guards the bytes
        raise SealBroken("not a sealed text") from None


def _frame(key: bytes, index: int, last: bool, context: bytes, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    aad = b"%s|%d|%d" % (context, index, int(last))
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _unframe(key: bytes, index: int, last: bool, context: bytes, frame: bytes) -> bytes:
    aad = b"%s|%d|%d" % (context, index, int(last))
    try:
        return AESGCM(key).decrypt(frame[:NONCE_BYTES], frame[NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealBroken("a stored file does not open here (altered, cut or moved)") from None


async def seal_stream(key: bytes, context: bytes, chunks: AsyncIterable[bytes]
                      ) -> AsyncIterator[bytes]:
    """The sealed frames of `chunks` (of any sizes), one frame held at a time."""
    pending = b""
    index = 0
    ready: bytes | None = None  # a full frame's plaintext, sealed once we know if it is last
    async for chunk in chunks:
        pending += chunk
        while len(pending) >= FRAME_BYTES:
            if ready is not None:
                yield _frame(key, index, False, context, ready)
                index += 1
            ready, pending = pending[:FRAME_BYTES], pending[FRAME_BYTES:]
    if ready is not None and pending:
        yield _frame(key, index, False, context, ready)
        index += 1
        ready = None
    yield _frame(key, index, True, context, ready if ready is not None else pending)


async def open_stream(key: bytes, context: bytes, frames: AsyncIterable[bytes]
                      ) -> AsyncIterator[bytes]:
    """The plaintext of a sealed stream read in pieces of any size; SealBroken when a frame
    does not open, is missing, or the stream ends before its last frame."""
    pending = b""
    index = 0
    async for piece in frames:
        pending += piece
        # A full-size frame is the last one only if nothing follows it: keep it until then.
        while len(pending) > SEALED_FRAME_BYTES:
            yield _unframe(key, index, False, context, pending[:SEALED_FRAME_BYTES])
            index += 1
            pending = pending[SEALED_FRAME_BYTES:]
    if len(pending) < NONCE_BYTES + TAG_BYTES:
        raise SealBroken("a stored file ends before its last part")
    yield _unframe(key, index, True, context, pending)


def sealed_size(size: int) -> int:
    """How many bytes a sealed stream of `size` plaintext bytes takes."""
    frames = max(1, -(-size // FRAME_BYTES))
    return size + frames * (NONCE_BYTES + TAG_BYTES)
