"""Random tokens and their keyed digests (what the database keeps instead of the secret)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Codes people type: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret_key: str, value: str, purpose: str) -> str:
    mac = hmac.new(secret_key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()


def same_digest(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a, b)


def new_numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def new_activation_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_activation_code(raw: str) -> str:
    text = "".join(ch for ch in raw.upper() if ch.isalnum())
    return f"{text[:4]}-{text[4:8]}-{text[8:]}" if len(text) == 12 else text
