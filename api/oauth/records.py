"""The rows authlib works with, seen through its model interfaces (client, code, token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin

from api import clock
from api.oauth.models import AuthorizationCode, OAuthApp, OAuthToken
from api.oauth.scopes import UnknownScope, join_scopes, split_scopes
from api.oauth.tokens import matches

GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})
SECRET_METHODS = frozenset({"client_secret_basic", "client_secret_post"})


@dataclass(frozen=True)
class Authorizer:
    """The person behind a code or token: authlib's "user"."""

    account_id: int
    connection_id: int

    def get_user_id(self) -> int:
        return self.account_id


class AppClient(ClientMixin):
    def __init__(self, app: OAuthApp) -> None:
        self.app = app
        self.redirect_uris = app.redirect_uris.split("\n")

    @property
    def public(self) -> bool:
        return self.app.client_secret_hash is None

    def get_client_id(self) -> str:
        return self.app.client_id

    def get_default_redirect_uri(self) -> str | None:
        # With several URIs registered the request must name one.
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scopes if the app may ask for them all; None refuses the request."""
        allowed = set(split_scopes(self.app.scopes))
        if not scope:
            return join_scopes(allowed)
        try:
            asked = split_scopes(scope)
        except UnknownScope:
            return None
        return join_scopes(asked) if set(asked) <= allowed else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return matches(client_secret, self.app.client_secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none" if self.public else method in SECRET_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class CodeRecord(AuthorizationCodeMixin):
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method
        self.family = row.family

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scopes

    def authorizer(self) -> Authorizer:
        return Authorizer(self.row.connection.account_id, self.row.connection_id)


class TokenRecord(TokenMixin):
    def __init__(self, row: OAuthToken) -> None:
        self.row = row
        self.family = row.family

    def check_client(self, client: AppClient) -> bool:
        return bool(self.row.connection.app.client_id == client.get_client_id())

    def get_scope(self) -> str:
        return self.row.scopes

    def get_expires_in(self) -> int:
        return int((self.row.access_expires_at - self.row.issued_at).total_seconds())

    def get_expires_at(self) -> datetime:
        return self.row.access_expires_at

    def is_expired(self) -> bool:
        return bool(self.row.access_expires_at <= clock.now())

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or self.row.connection.revoked_at is not None

    def get_user(self) -> Authorizer:
        return Authorizer(self.row.connection.account_id, self.row.connection_id)

    def get_client(self) -> AppClient:
        return AppClient(self.row.connection.app)
