"""The /graphql endpoint: builds the context and guards cookie-authenticated posts."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from api.documents.limits import announced_too_large, is_multipart, limited_receive
from api.graphql.context import Context
from api.graphql.request_body import coded_http_error, decode_json_body
from api.identity.viewer import SESSION_COOKIE, viewer_from_request
from api.security import csrf
from api.settings import Settings


def request_language(request: Request) -> str:
    lang = request.cookies.get("carnet_lang") or request.headers.get("accept-language", "fr")[:2]
    return "en" if lang == "en" else "fr"


class GraphQLEndpoint(GraphQL[Context, None]):
    def __init__(self, schema: Any, settings: Settings) -> None:
        # No in-browser IDE: it loads its code from a CDN, which the CSP forbids.
        # Multipart requests carry uploads (uploadDocument); the CSRF guard below covers them.
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=True,
                         multipart_uploads_enabled=True)
        self.settings = settings

    def decode_json(self, data: str | bytes) -> object:
        return decode_json_body(data)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        viewer = await viewer_from_request(request, self.settings.secret_key)
        return Context(settings=self.settings, viewer=viewer, language=request_language(request))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            cookie_authenticated = bool(request.cookies.get(SESSION_COOKIE))
            if (
                request.method not in csrf.SAFE_METHODS
                and cookie_authenticated
                and not csrf.token_matches(request, request.headers.get(csrf.HEADER))
            ):
                response: Response = JSONResponse(
                    {"errors": [{"message": "CSRF token missing or wrong.",
                                 "extensions": {"code": "CSRF"}}]},
                    status_code=403,
                )
                await response(scope, receive, send)
                return
            if is_multipart(scope):
                # Uploads are capped before the parser spools them to disk.
                if announced_too_large(scope):
                    await JSONResponse({"errors": [{"message": "Request body too large.",
                                                    "extensions": {"code": "TOO_LARGE"}}]},
                                       status_code=413)(scope, receive, send)
                    return
                receive = limited_receive(receive)
            # Strawberry answers a malformed request in plain text; clients get coded JSON.
            try:
                response = await self.run(Request(scope, receive))
            except HTTPException as error:
                response = coded_http_error(error)
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
