"""The grants and endpoints of the server: authlib's classes, told where the rows live.

authlib's server is synchronous; it runs in a worker thread (``api.oauth.server``) and each
database step hops back to the event loop with ``anyio.from_thread.run``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import anyio.from_thread
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge

from api.oauth import store
from api.oauth.records import AppClient, Authorizer, CodeRecord, TokenRecord

T = TypeVar("T")
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def on_loop(function: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """Run a coroutine function on the event loop from authlib's worker thread."""
    return anyio.from_thread.run(function, *args)


class S256CodeChallenge(CodeChallenge):
    """PKCE is required of every client, with S256; ``plain`` (or no method) is refused."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        on_loop(store.save_code, code, request.user.connection_id,
                request.payload.redirect_uri or "", request.scope,
                data["code_challenge"], data["code_challenge_method"])

    def query_authorization_code(self, code: str, client: AppClient) -> CodeRecord | None:
        row = on_loop(store.find_code, code, client.get_client_id())
        return CodeRecord(row) if row is not None else None

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        if not on_loop(store.claim_code, authorization_code.row):
            raise InvalidGrantError("The code was already used.")

    def authenticate_user(self, authorization_code: CodeRecord) -> Authorizer:
        return authorization_code.authorizer()


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Each use gives a new refresh token and retires the old one (rotation)."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> TokenRecord | None:
        row = on_loop(store.find_refresh_token, refresh_token)
        return TokenRecord(row) if row is not None else None

    def authenticate_user(self, refresh_token: TokenRecord) -> Authorizer:
        return refresh_token.get_user()

    def revoke_old_credential(self, refresh_token: TokenRecord) -> None:
        if not on_loop(store.rotate, refresh_token.row):
            raise InvalidGrantError("The refresh token was already used.")


class TokenRevocationEndpoint(RevocationEndpoint):
    """RFC 7009. Revoking either token of a family ends the whole family."""

    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        row = on_loop(store.find_any_token, token_string)
        return TokenRecord(row) if row is not None else None

    def revoke_token(self, token: TokenRecord, request: Any) -> None:
        on_loop(store.revoke_family, token.family)
