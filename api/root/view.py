"""The /graphql endpoint: builds the context, guards cookie requests, limits and caches.

Body sizes are capped before this view runs (api.security.limits); here the query text is
measured before it is parsed, bearer tokens are resolved, rate limits and the CSRF check
applied, GET answers given an ETag, and a database outage answered 503.
"""

from __future__ import annotations

from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from api import texts
from api.graphql.context import Context
from api.graphql.http_caching import answer_with_etag
from api.graphql.limits import MAX_QUERY_CHARS
from api.graphql.persisted import resolve_persisted_query, store_from_uri
from api.graphql.ratelimit import RateLimits, token_key
from api.graphql.request_body import (
    RequestRefused,
    coded_error,
    coded_http_error,
    decode_json_body,
)
from api.graphql.viewer import Viewer
from api.identity.viewer import SESSION_COOKIE, viewer_from_request
from api.oauth.bearer import bearer_token, invalid_token_response, viewer_for_token
from api.oauth.operations import RegisteredOperations
from api.outage import UNAVAILABLE, is_database_outage, outage_message, retry_after_headers
from api.root.schema import MAX_BATCH_OPERATIONS
from api.security import csrf
from api.settings import Settings


def request_language(request: Request, viewer: Viewer | None = None) -> str:
    """The language of the answer: api.texts decides it, the same way as for the pages."""
    return texts.request_language(request, viewer.account.language if viewer else None)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def request_token(request: Request) -> str | None:
    """The credential a request carries (session cookie or bearer token), as a rate key."""
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return token_key(authorization[7:].strip())
    return token_key(request.cookies.get(SESSION_COOKIE))


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
        limits = settings.api_limits
        self.rate_limits = RateLimits(limits)
        self.persisted_queries = store_from_uri(limits.persisted_query_storage,
                                                limits.key_prefix)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json_body(data)

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        # A bearer request is the app's alone: its session cookie, if any, is not looked at.
        viewer = request.scope.get("state", {}).get("bearer_viewer") or await viewer_from_request(
            request, self.settings.secret_key)
        person = (f"account:{viewer.account_id}" if viewer
                  else f"address:{client_address(request.scope)}")
        request.state.etag_viewer = person
        context = Context(settings=self.settings, viewer=viewer,
                          language=request_language(request, viewer), http_response=response)
        context.cost_budget = self.rate_limits.budget(context.client_app, person)
        return context

    def should_render_graphql_ide(self, request: Any) -> bool:
        # No IDE to render; a GET carrying only a persisted query's hash is a query.
        return False

    async def execute_single(
        self, request: Request, request_adapter: Any, sub_response: Any, context: Context,
        root_value: Any, request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        app = context.app
        app_operations = (RegisteredOperations(app.client_id, app.allowlist)
                          if app is not None else None)
        refused = await resolve_persisted_query(request_data, self.persisted_queries,
                                                app_operations)
        if refused is not None:
            return refused
        return await super().execute_single(request, request_adapter, sub_response, context,
                                            root_value, request_data)

    def _validate_batch_request(self, request_data: list[Any], protocol: Any) -> None:
        if len(request_data) > MAX_BATCH_OPERATIONS:
            raise RequestRefused(coded_error(
                f"A batch may hold at most {MAX_BATCH_OPERATIONS} operations.",
                "TOO_MANY_OPERATIONS", 400, maximum=MAX_BATCH_OPERATIONS))
        if not request_data or not all(isinstance(item, dict) for item in request_data):
            raise RequestRefused(coded_error(
                "A batch is a non-empty list of operations, each a JSON object with `query`.",
                "BAD_REQUEST", 400))
        super()._validate_batch_request(request_data, protocol)

    async def rate_limited(self, request: Request) -> Response | None:
        refusal = await self.rate_limits.check_request(request_token(request),
                                                       client_address(request.scope))
        if refusal is None:
            return None
        return coded_error(refusal.message, "RATE_LIMITED", 429,
                           headers={"Retry-After": str(refusal.retry_after)},
                           limit=refusal.limit, retryAfter=refusal.retry_after)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            await self.guarded(scope, receive, send)
        except Exception as error:
            # The session and the token are loaded before GraphQL runs: an outage shows here.
            if not is_database_outage(error):
                raise
            language = request_language(Request(scope))
            await coded_error(outage_message(language), UNAVAILABLE, 503,
                              retry_after_headers())(scope, receive, send)

    async def guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if (limited := await self.rate_limited(request)) is not None:
            await limited(scope, receive, send)
            return
        token = bearer_token(request.headers.get("authorization"))
        if token is not None:
            bearer_viewer = await viewer_for_token(token)
            if bearer_viewer is None:
                await invalid_token_response()(scope, receive, send)
                return
            scope.setdefault("state", {})["bearer_viewer"] = bearer_viewer
        # A bearer request carries no cookie credential, so it needs no CSRF token. Cookie
        # requests need it on every method, GET included: a query's reads are written to
        # the access history, and a SameSite=Lax cookie rides along on a cross-site link.
        cookie_authenticated = token is None and bool(request.cookies.get(SESSION_COOKIE))
        if (
            cookie_authenticated
            and not csrf.token_matches(request, request.headers.get(csrf.HEADER))
        ):
            response: Response = JSONResponse(
                {"errors": [{"message": "CSRF token missing or wrong.",
                             "extensions": {"code": "CSRF"}}]},
                status_code=403,
            )
            await response(scope, receive, send)
            return
        if request.method == "GET":
            await answer_with_etag(self.answer, scope, receive, send)
            return
        await self.answer(scope, receive, send)

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's answer, or the refusal raised while it read the request, as coded JSON
        (strawberry itself answers a malformed request in plain text)."""
        response: Response
        try:
            response = await self.run(Request(scope, receive))
        except RequestRefused as refused:
            response = refused.response
        except HTTPException as error:
            response = coded_http_error(error)
        await response(scope, receive, send)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if item.query is not None and len(item.query) > MAX_QUERY_CHARS:
                raise RequestRefused(coded_error(
                    f"The query is longer than {MAX_QUERY_CHARS} characters.",
                    "QUERY_TOO_LARGE", 413))
        return data

    def create_response(self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
                        sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if _has_error_code(response_data, UNAVAILABLE):
            response.status_code = 503
            response.headers.update(retry_after_headers())
        return response
