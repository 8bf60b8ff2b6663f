"""Resolving ``Authorization: Bearer`` to the person and the app acting for them."""

from __future__ import annotations

from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from starlette.responses import JSONResponse

from api.graphql.viewer import AppIdentity, Viewer
from api.oauth import store
from api.oauth.records import TokenRecord
from api.oauth.scopes import split_scopes

CHALLENGE = 'Bearer error="invalid_token"'


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header; None for any other header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class _Validator(BearerTokenValidator):
    """authlib's checks (present, not expired, not revoked); the lookup is async, below."""


_validator = _Validator()


async def viewer_for_token(token: str) -> Viewer | None:
    """The viewer a live access token stands for; None for a bad, expired or revoked one."""
    access = await store.find_access_token(token) if token else None
    record = TokenRecord(access.token) if access is not None else None
    try:
        _validator.validate_token(record, None, None)
    except InvalidTokenError:
        return None
    assert access is not None
    await store.note_use(access.connection)
    app = AppIdentity(client_id=access.app.client_id, name=access.app.name,
                      scopes=frozenset(split_scopes(access.token.scopes)),
                      patient_id=access.connection.patient_id,
                      allowlist=access.app.allowlist_mode)
    return Viewer(account=access.account, session=None, app=app)


def invalid_token_response() -> JSONResponse:
    """HTTP 401 for a bad, expired or revoked token (RFC 6750 section 3)."""
    return JSONResponse(
        {"errors": [{"message": "The access token is invalid, expired or revoked.",
                     "extensions": {"code": "INVALID_TOKEN"}}]},
        status_code=401, headers={"WWW-Authenticate": CHALLENGE, "Cache-Control": "no-store"},
    )
