"""The authorization server: authlib's framework-neutral server, wired to Starlette.

Starlette is async and authlib is not: the request (form included) is read on the event
loop, then authlib runs in a worker thread and calls back into the loop for each database
step (``api.oauth.grants.on_loop``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from anyio import to_thread
from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.oauth import services, store
from api.oauth.grants import (
    CLIENT_AUTH_METHODS,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    S256CodeChallenge,
    TokenRevocationEndpoint,
    on_loop,
)
from api.oauth.records import AppClient
from api.oauth.scopes import ALL_SCOPES
from api.oauth.tokens import ACCESS_TOKEN_LIFETIME

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
REVOKE_PATH = "/oauth/revoke"
METADATA_PATH = "/.well-known/oauth-authorization-server"


class FormPayload(OAuth2Payload):
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    """An OAuth2Request whose parameters were read beforehand, on the event loop."""

    def __init__(self, method: str, uri: str, headers: dict[str, str],
                 args: list[tuple[str, str]], form: list[tuple[str, str]]) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(args)
        self._form = dict(form)
        self.payload = FormPayload(args + form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def _transport_uri(request: Request, production: bool) -> str:
    # authlib refuses plain http; a development server (and the tests) speak http, while in
    # production TLS ends at the proxy and uvicorn's proxy headers give the https URL.
    url = request.url
    return str(url) if production else str(url.replace(scheme="https"))


async def oauth_request(request: Request, production: bool,
                        form: list[tuple[str, str]] | None = None) -> StarletteOAuth2Request:
    """The request for authlib; ``form`` replaces the body (the consent form's answer)."""
    if form is None:
        form = []
        if request.method == "POST":
            parsed = await request.form(max_fields=50, max_files=0)
            form = [(key, value) for key, value in parsed.multi_items()
                    if isinstance(value, str)]
    args = list(request.query_params.multi_items())
    return StarletteOAuth2Request(request.method, _transport_uri(request, production),
                                  dict(request.headers), args, form)


class CarnetAuthorizationServer(AuthorizationServer):
    def __init__(self, production: bool) -> None:
        super().__init__(scopes_supported=list(ALL_SCOPES))
        self.production = production
        self.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda **_: generate_token(48),
            refresh_token_generator=lambda **_: generate_token(48),
            expires_generator=int(ACCESS_TOKEN_LIFETIME.total_seconds()),
        ))
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(TokenRevocationEndpoint)

    def query_client(self, client_id: str) -> AppClient | None:
        # Only apps in the catalogue (approved) exist for the server.
        app = on_loop(services.approved_app, client_id)
        return AppClient(app) if app is not None else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        origin = request.authorization_code or request.refresh_token
        on_loop(store.save_token, token, request.user.connection_id, origin.family)

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if not isinstance(request, OAuth2Request):
            raise TypeError("build the request with api.oauth.server.oauth_request first")
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        header_map = dict(headers)
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=header_map)
        return Response(body or b"", status_code=status, headers=header_map)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass  # no signal subscribers

    # --- async entry points for the routes and pages -------------------------------------

    async def token_response(self, request: Request) -> Response:
        oauth = await oauth_request(request, self.production)
        response: Response = await to_thread.run_sync(self.create_token_response, oauth)
        return response

    async def revocation_response(self, request: Request) -> Response:
        oauth = await oauth_request(request, self.production)
        response: Response = await to_thread.run_sync(
            self.create_endpoint_response, TokenRevocationEndpoint.ENDPOINT_NAME, oauth)
        return response

    async def consent_grant(self, oauth: StarletteOAuth2Request) -> Any:
        """The validated authorization request (raises authlib's OAuth2Error)."""
        return await to_thread.run_sync(self.get_consent_grant, oauth)

    async def authorization_response(self, oauth: StarletteOAuth2Request,
                                     grant_user: Any) -> Response:
        """Validate again, then redirect with a code (or with access_denied when no user)."""
        def respond() -> Response:
            grant = self.get_consent_grant(oauth)
            response: Response = self.create_authorization_response(
                oauth, grant_user=grant_user, grant=grant)
            return response

        return await to_thread.run_sync(respond)

    def error_response(self, oauth: StarletteOAuth2Request, error: Any) -> Response:
        response: Response = self.handle_error_response(oauth, error)
        return response


def metadata(issuer: str) -> AuthorizationServerMetadata:
    """RFC 8414 metadata of this server."""
    return AuthorizationServerMetadata({
        "issuer": issuer,
        "authorization_endpoint": issuer + AUTHORIZE_PATH,
        "token_endpoint": issuer + TOKEN_PATH,
        "revocation_endpoint": issuer + REVOKE_PATH,
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": issuer + "/apps",
    })
