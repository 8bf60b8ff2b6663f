"""Codes and tokens in the database: saved as digests, claimed once, revoked by family.

Every check that must hold under concurrency (a code used once, a refresh token rotated
once) is a conditional UPDATE whose row count says who won.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from api import clock
from api.identity.models import Account, AccountStatus
from api.oauth.models import AppConnection, AuthorizationCode, OAuthApp, OAuthToken
from api.oauth.tokens import (
    ACCESS_TOKEN_LIFETIME,
    CODE_LIFETIME,
    REFRESH_TOKEN_IDLE_LIFETIME,
    digest,
)


def new_family() -> str:
    return uuid.uuid4().hex


async def revoke_family(family: str) -> None:
    await OAuthToken.filter(family=family, revoked_at__isnull=True).update(revoked_at=clock.now())


async def save_code(code: str, connection_id: int, redirect_uri: str, scopes: str,
                    challenge: str, method: str) -> None:
    await AuthorizationCode.create(
        code_hash=digest(code), connection_id=connection_id, redirect_uri=redirect_uri,
        scopes=scopes, code_challenge=challenge, code_challenge_method=method,
        expires_at=clock.now() + CODE_LIFETIME, family=new_family(),
    )


async def find_code(code: str, client_id: str) -> AuthorizationCode | None:
    """The live code issued to this client; a code presented again ends what it gave."""
    row = await AuthorizationCode.filter(
        code_hash=digest(code), connection__app__client_id=client_id
    ).prefetch_related("connection").first()
    if row is None:
        return None
    if row.used_at is not None:
        await revoke_family(row.family)
        return None
    if row.expires_at <= clock.now() or row.connection.revoked_at is not None:
        return None
    return row


async def claim_code(row: AuthorizationCode) -> bool:
    """Mark the code used; False if another exchange got it first (its tokens are revoked)."""
    claimed = await AuthorizationCode.filter(id=row.id, used_at__isnull=True).update(
        used_at=clock.now()
    )
    if not claimed:
        await revoke_family(row.family)
    return bool(claimed)


async def save_token(token: dict[str, Any], connection_id: int, family: str) -> None:
    now = clock.now()
    refresh = token.get("refresh_token")
    await OAuthToken.create(
        connection_id=connection_id, family=family,
        access_token_hash=digest(token["access_token"]),
        refresh_token_hash=digest(refresh) if refresh else None,
        scopes=token.get("scope", ""), issued_at=now,
        access_expires_at=now + ACCESS_TOKEN_LIFETIME,
        refresh_expires_at=now + REFRESH_TOKEN_IDLE_LIFETIME if refresh else None,
    )


async def find_refresh_token(refresh_token: str) -> OAuthToken | None:
    """The live token row of this refresh token. A refresh token used a second time means
    it was stolen (or the app is confused): the whole family is revoked, thief's and app's.
    """
    row = await OAuthToken.filter(refresh_token_hash=digest(refresh_token)).prefetch_related(
        "connection__app").first()
    if row is None or row.revoked_at is not None:
        return None
    if row.rotated_at is not None:
        await revoke_family(row.family)
        return None
    expires = row.refresh_expires_at
    if expires is None or expires <= clock.now() or row.connection.revoked_at is not None:
        return None
    return row


async def rotate(row: OAuthToken) -> bool:
    """Retire a refresh token after its exchange; False (and the family revoked) if it
    had been exchanged concurrently.
    """
    rotated = await OAuthToken.filter(id=row.id, rotated_at__isnull=True).update(
        rotated_at=clock.now()
    )
    if not rotated:
        await revoke_family(row.family)
    return bool(rotated)


async def find_any_token(token: str) -> OAuthToken | None:
    """For revocation: the row of an access or a refresh token, live or not."""
    hashed = digest(token)
    row = await OAuthToken.filter(access_token_hash=hashed).prefetch_related(
        "connection__app").first()
    if row is None:
        row = await OAuthToken.filter(refresh_token_hash=hashed).prefetch_related(
            "connection__app").first()
    return row


@dataclass(frozen=True)
class BearerAccess:
    """What an access token stands for: an app acting for an account, maybe on one record."""

    token: OAuthToken
    connection: AppConnection
    app: OAuthApp
    account: Account


_LAST_USED_STEP = 60  # seconds: "last used" moves at most once a minute per connection


async def find_access_token(access_token: str) -> BearerAccess | None:
    """The token row, its connection, app and (active) account. Expiry and revocation are
    checked by the caller, with authlib's bearer validator.
    """
    # One statement: the token joined to its connection, app and account.
    row = await OAuthToken.filter(access_token_hash=digest(access_token)).select_related(
        "connection__app", "connection__account").first()
    if row is None:
        return None
    account = row.connection.account
    if account.status is not AccountStatus.ACTIVE:
        return None
    return BearerAccess(token=row, connection=row.connection, app=row.connection.app,
                        account=account)


async def note_use(connection: AppConnection) -> None:
    """Move the connection's "last used" time (for the connected-apps page)."""
    now = clock.now()
    last = connection.last_used_at
    if last is None or (now - last).total_seconds() >= _LAST_USED_STEP:
        await AppConnection.filter(id=connection.id).update(last_used_at=now)
        connection.last_used_at = now
