"""CSRF: a random token in a cookie that each state-changing request must echo.

Forms echo it in a hidden field, htmx and scripts in the X-CSRF-Token header.
Requests authenticated by a bearer token carry no cookie and need no token.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

COOKIE = "carnet_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_for(request: Request) -> str:
    """The request's CSRF token, created (and later set as a cookie) when absent."""
    existing = request.cookies.get(COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    if not hasattr(request.state, "new_csrf_token"):
        request.state.new_csrf_token = secrets.token_urlsafe(32)
    token: str = request.state.new_csrf_token
    return token


def token_matches(request: Request, submitted: str | None) -> bool:
    expected = request.cookies.get(COOKIE)
    return bool(expected and submitted and hmac.compare_digest(expected, submitted))
