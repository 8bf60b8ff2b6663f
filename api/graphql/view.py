"""The /graphql endpoint: builds the context and guards cookie-authenticated posts.

Body sizes are capped before this view runs (api.security.limits); here the query
text is measured before it is parsed, and a database outage is answered 503.
"""

from __future__ import annotations

from typing import Any

from cross_web import AsyncHTTPRequestAdapter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData

from api.graphql.context import Context
from api.graphql.limits import MAX_QUERY_CHARS
from api.identity.viewer import SESSION_COOKIE, viewer_from_request
from api.outage import UNAVAILABLE, is_database_outage, outage_message, retry_after_headers
from api.security import csrf
from api.settings import Settings


def request_language(request: Request) -> str:
    lang = request.cookies.get("carnet_lang") or request.headers.get("accept-language", "fr")[:2]
    return "en" if lang == "en" else "fr"


class RequestRefused(Exception):
    """A request refused before its query is parsed, answered with a coded JSON error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(message: str, code: str, status: int, headers: dict[str, str] | None = None
           ) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]},
                        status_code=status, headers=headers)


def _has_error_code(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], code: str) -> bool:
    results = data if isinstance(data, list) else [data]
    return any((error.get("extensions") or {}).get("code") == code  # type: ignore[attr-defined]
               for result in results for error in result.get("errors") or [])


class GraphQLEndpoint(GraphQL[Context, None]):
    def __init__(self, schema: Any, settings: Settings) -> None:
        # No in-browser IDE: it loads its code from a CDN, which the CSP forbids.
        # Multipart requests carry uploads (uploadDocument); the CSRF guard below covers them.
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=True,
                         multipart_uploads_enabled=True)
        self.settings = settings

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
        started = False

        async def watched_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await super().__call__(scope, receive, watched_send)
        except RequestRefused as refused:
            await _error(refused.message, refused.code, refused.status)(scope, receive, send)
        except Exception as error:
            # The session is loaded before GraphQL runs: an outage shows up here first.
            if started or not is_database_outage(error):
                raise
            language = request_language(Request(scope))
            await _error(outage_message(language), UNAVAILABLE, 503,
                         retry_after_headers())(scope, receive, send)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        try:
            data = await super().parse_http_body(request)
        except RecursionError:  # JSON nested thousands of levels deep, within the size cap
            raise RequestRefused(400, "JSON_TOO_DEEP", "The JSON body is nested too deeply.") \
                from None
        for item in data if isinstance(data, list) else [data]:
            if item.query is not None and len(item.query) > MAX_QUERY_CHARS:
                raise RequestRefused(413, "QUERY_TOO_LARGE",
                                     f"The query is longer than {MAX_QUERY_CHARS} characters.")
        return data

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if _has_error_code(response_data, UNAVAILABLE):
            response.status_code = 503
            response.headers.update(retry_after_headers())
        return response
