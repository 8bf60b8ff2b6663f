"""Caps on what a request may send, checked before the body is read.

Every route gets a body cap suited to it, and routes not named below get the
default one (a page form), so a new route is capped without anyone thinking of
it. A body that announces more than its cap is refused at once, unread; a body
without a length is counted as it arrives and refused as soon as it passes the
cap. A long query string is refused too (GraphQL GET requests carry the query
there). Refusals are 413 (body) or 414 (URL), JSON on /graphql, short bilingual
text elsewhere, and cost the server nothing but the headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
# A query string: a GraphQL GET query or a page's search parameters.
MAX_QUERY_STRING_BYTES = 8 * KIB
# A GraphQL request without files: the query and its variables. The longest text a
# mutation takes (advance directives, 20,000 characters) fits even as JSON escapes.
GRAPHQL_BODY_BYTES = 256 * KIB
# A page form; the same directives text fits percent-encoded.
FORM_BODY_BYTES = 256 * KIB
# Sign-in, activation and opposition forms carry a few short fields.
SIGN_IN_BODY_BYTES = 16 * KIB


def header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return b""


def is_multipart(scope: Scope) -> bool:
    return header(scope, b"content-type").lower().startswith(b"multipart/form-data")


@dataclass(frozen=True)
class BodyLimit:
    path: str
    # None: the route caps its body itself and answers the page with the problem.
    max_bytes: int | None
    multipart_only: bool = False

    def matches(self, scope: Scope) -> bool:
        path: str = scope["path"]
        exact = path == self.path or path.startswith(self.path + "/")
        return exact and (not self.multipart_only or is_multipart(scope))


def route_limits(*, upload_bytes: int) -> tuple[BodyLimit, ...]:
    """The cap of each route that needs another than FORM_BODY_BYTES; `upload_bytes` is
    the documents' own cap (api.records.documents.limits), given by the app that composes both."""
    return (
        # api.records.documents.routes refuses with the same cap and sends the person back to
        # the form.
        BodyLimit("/documents/upload", None),
        BodyLimit("/graphql", upload_bytes, multipart_only=True),  # uploadDocument
        BodyLimit("/pro/deposit", upload_bytes, multipart_only=True),  # the workspace's deposit
        # Replies with an attachment (web/patient/messages.py, web/pro/messages.py).
        BodyLimit("/messages", upload_bytes, multipart_only=True),
        BodyLimit("/pro/messages", upload_bytes, multipart_only=True),
        BodyLimit("/graphql", GRAPHQL_BODY_BYTES),
        BodyLimit("/signin", SIGN_IN_BODY_BYTES),
        BodyLimit("/signout", SIGN_IN_BODY_BYTES),
        BodyLimit("/activate", SIGN_IN_BODY_BYTES),
        BodyLimit("/oppose", SIGN_IN_BODY_BYTES),
    )


def body_limit_for(scope: Scope, limits: Sequence[BodyLimit]) -> int | None:
    """The most body bytes this request may send (None: its route checks itself)."""
    for limit in limits:
        if limit.matches(scope):
            return limit.max_bytes
    return FORM_BODY_BYTES


def capped_receive(receive: Receive, limit: int, too_large: type[Exception]) -> Receive:
    """`receive`, raising `too_large` once more than `limit` body bytes came in."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(f"request body larger than {limit} bytes")
        return message

    return counted


class RequestBodyTooLarge(Exception):
    """The body went past its cap while being read.

    Not a ValueError, so that no form or JSON parser on the way mistakes it for a
    malformed body: it reaches BodyLimitMiddleware, which answers 413.
    """


def _announced_length(scope: Scope) -> int | None:
    length = header(scope, b"content-length")
    return int(length) if length.isdigit() else None


def _refusal(scope: Scope, status: int) -> Response:
    if scope["path"] == "/graphql" or scope["path"].startswith("/graphql/"):
        message = "Request body too large." if status == 413 else "Request URL too long."
        code = "TOO_LARGE" if status == 413 else "URL_TOO_LONG"
        return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                            status_code=status)
    text = (
        "La demande est trop volumineuse. / The request is too large."
        if status == 413
        else "L'adresse est trop longue. / The address is too long."
    )
    return PlainTextResponse(text, status_code=status)


class BodyLimitMiddleware:
    """Applies the route limits and MAX_QUERY_STRING_BYTES to every HTTP request."""

    def __init__(self, app: ASGIApp, *, limits: Sequence[BodyLimit]) -> None:
        self.app = app
        self.limits = tuple(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > MAX_QUERY_STRING_BYTES:
            await _refusal(scope, 414)(scope, receive, send)
            return
        limit = body_limit_for(scope, self.limits)
        if limit is None:
            await self.app(scope, receive, send)
            return
        announced = _announced_length(scope)
        if announced is not None and announced > limit:
            await _refusal(scope, 413)(scope, receive, send)
            return
        await self._capped(scope, receive, send, limit)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        started = False
        counted_receive = capped_receive(receive, limit, RequestBodyTooLarge)

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except RequestBodyTooLarge:
            if started:
                raise
            await _refusal(scope, 413)(scope, receive, send)
