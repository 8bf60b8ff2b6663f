"""Queries over GET answer with an ETag; a matching If-None-Match gets 304 and no body.

The tag is a digest of the viewer and of the answer's `data` and `errors` (not of its
`extensions`, whose cost figures change on every request), so an unchanged answer keeps
its tag, a write changes it, and two people never share one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHE_CONTROL = "private, no-cache"


def etag_of(viewer_key: str, body: bytes) -> str | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    answer.pop("extensions", None)
    canonical = json.dumps(answer, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(viewer_key.encode() + b"\0" + canonical).hexdigest()[:40]
    return f'W/"{digest}"'


def if_none_match_hits(header: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 asks for If-None-Match."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def viewer_key_of(scope: Scope) -> str:
    """Who the answer was computed for, as the endpoint noted it on the request state."""
    state: dict[str, Any] = scope.get("state") or {}
    return str(state.get("etag_viewer", "anonymous"))


async def answer_with_etag(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` for a GET request, then send its answer with an ETag, or a bare 304."""
    messages: list[Message] = []

    async def keep(message: Message) -> None:
        messages.append(message)

    await app(scope, receive, keep)
    start = messages[0] if messages else None
    if start is None or start.get("type") != "http.response.start" or start["status"] != 200:
        for message in messages:
            await send(message)
        return
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    etag = etag_of(viewer_key_of(scope), body)
    if etag is None:
        for message in messages:
            await send(message)
        return
    headers = MutableHeaders(raw=list(start["headers"]))
    headers["ETag"] = etag
    headers["Cache-Control"] = CACHE_CONTROL
    headers.add_vary_header("Cookie")
    headers.add_vary_header("Authorization")
    request_headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                       for k, v in scope.get("headers", [])}
    if if_none_match_hits(request_headers.get("if-none-match"), etag):
        for name in ("content-length", "content-type"):
            if name in headers:
                del headers[name]
        await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b""})
        return
    headers["Content-Length"] = str(len(body))
    await send({"type": "http.response.start", "status": 200, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})
