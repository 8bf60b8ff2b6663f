"""CSRF: a random token in a cookie that each state-changing request must echo.

Forms echo it in a hidden field, htmx and scripts in the X-CSRF-Token header.
Requests authenticated by a bearer token carry no cookie and need no token.
Pages are compressed, so the token is masked with a fresh random pad each time it
is rendered (BREACH): the page never repeats the same secret bytes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets

from starlette.requests import Request

COOKIE = "carnet_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_TOKEN_BYTES = 32


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _cookie_secret(request: Request) -> str:
    existing = request.cookies.get(COOKIE)
    if existing and (raw := _unb64(existing)) is not None and len(raw) == _TOKEN_BYTES:
        return existing
    if not hasattr(request.state, "new_csrf_token"):
        request.state.new_csrf_token = _b64(secrets.token_bytes(_TOKEN_BYTES))
    secret: str = request.state.new_csrf_token
    return secret


def token_for(request: Request) -> str:
    """A masked copy of the request's CSRF secret (created, then set as a cookie, if absent)."""
    secret = _unb64(_cookie_secret(request)) or b""
    pad = secrets.token_bytes(len(secret))
    return _b64(pad + bytes(a ^ b for a, b in zip(pad, secret, strict=True)))


def _unmask(submitted: str) -> bytes | None:
    raw = _unb64(submitted)
    if raw is None or len(raw) != 2 * _TOKEN_BYTES:
        return None
    pad, masked = raw[:_TOKEN_BYTES], raw[_TOKEN_BYTES:]
    return bytes(a ^ b for a, b in zip(pad, masked, strict=True))


def token_matches(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(COOKIE)
    expected = _unb64(cookie) if cookie else None
    secret = _unmask(submitted) if submitted else None
    return bool(expected and secret and hmac.compare_digest(expected, secret))
