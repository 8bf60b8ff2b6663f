"""The app catalogue and the connections people make: register, approve, connect, disconnect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from authlib.common.security import generate_token
from tortoise.transactions import in_transaction

from api import clock
from api.consent.notifications import notify_app_connected
from api.consent.policy import may_manage_consent
from api.consent.rights import load_rights, load_viewer_facts
from api.graphql.viewer import Viewer
from api.identity.models import Patient, Role
from api.oauth.models import AppConnection, OAuthApp, OAuthToken
from api.oauth.scopes import join_scopes, split_scopes
from api.oauth.tokens import digest

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


class AppError(ValueError):
    """A registration or approval that cannot be done; the message says why."""


def check_redirect_uri(uri: str) -> str:
    """https, http on the loopback interface, or a private-use scheme (RFC 8252) only."""
    parts = urlsplit(uri)
    if parts.fragment or not parts.scheme:
        raise AppError(f"redirect URI {uri!r}: an absolute URI without fragment is needed")
    if parts.scheme == "https" and parts.hostname:
        return uri
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return uri
    if "." in parts.scheme and parts.scheme not in ("http", "https"):
        return uri  # e.g. org.example.app:/callback, for a mobile app
    raise AppError(f"redirect URI {uri!r}: use https, a loopback http URI, or a private scheme")


async def register_app(*, name: str, publisher: str, redirect_uris: list[str], scopes: str,
                       confidential: bool, client_id: str | None = None
                       ) -> tuple[OAuthApp, str | None]:
    """A new, not yet approved app; returns it with its client secret (None when public).

    ``client_id`` is generated unless given (the demo app has a fixed one).
    """
    if not name.strip() or not publisher.strip():
        raise AppError("an app needs a name and a publisher")
    if not redirect_uris:
        raise AppError("an app needs at least one redirect URI")
    checked = [check_redirect_uri(uri.strip()) for uri in redirect_uris]
    try:
        wanted = split_scopes(scopes)
    except ValueError as error:
        raise AppError(f"unknown scopes: {error}") from error
    if not wanted:
        raise AppError("an app needs at least one scope")
    secret = generate_token(48) if confidential else None
    app = await OAuthApp.create(
        client_id=client_id or generate_token(24),
        client_secret_hash=digest(secret) if secret else None,
        name=name.strip()[:100], publisher=publisher.strip()[:100],
        redirect_uris="\n".join(checked), scopes=join_scopes(wanted), created_at=clock.now(),
    )
    return app, secret


async def approve_app(client_id: str) -> OAuthApp:
    app = await OAuthApp.get_or_none(client_id=client_id)
    if app is None:
        raise AppError(f"no app has the client id {client_id!r}")
    if app.approved_at is None:
        app.approved_at = clock.now()
        await app.save(update_fields=["approved_at"])
    return app


async def approved_app(client_id: str) -> OAuthApp | None:
    return await OAuthApp.filter(client_id=client_id, approved_at__isnull=False).first()


async def catalogue() -> list[OAuthApp]:
    return await OAuthApp.filter(approved_at__isnull=False).order_by("name", "id")


@dataclass(frozen=True)
class RecordChoice:
    """A record the person may connect an app to."""

    patient_id: int
    name: str
    own: bool


async def records_for(viewer: Viewer) -> list[RecordChoice]:
    """The person's own record and the records they manage today (a child under 18).

    Empty for a professional: their software acts as them, on every record they may reach.
    """
    if viewer.account.role is Role.PROFESSIONAL:
        return []
    own = await Patient.filter(account_id=viewer.account_id).first()
    children = await Patient.filter(
        guardians__guardian_id=viewer.account_id
    ).order_by("birth_date", "id")
    facts = await load_viewer_facts(viewer)
    choices = [RecordChoice(own.id, own.display_name, True)] if own else []
    for child in children:
        if may_manage_consent(facts, await load_rights(viewer, child)).allowed:
            choices.append(RecordChoice(child.id, child.display_name, False))
    return choices


async def connect(viewer: Viewer, app: OAuthApp, patient_id: int | None,
                  scopes: list[str]) -> AppConnection:
    """Record the person's choice on the consent screen (a new connection, or an update)."""
    if viewer.account.role is Role.PROFESSIONAL:
        patient_id = None
    elif patient_id not in {choice.patient_id for choice in await records_for(viewer)}:
        raise AppError("this record cannot be connected by this person")
    allowed = set(split_scopes(app.scopes))
    chosen = join_scopes([scope for scope in scopes if scope in allowed])
    if not chosen:
        raise AppError("no scope was chosen")
    connection = await AppConnection.filter(
        app_id=app.id, account_id=viewer.account_id, patient_id=patient_id,
        revoked_at__isnull=True,
    ).first()
    if connection is None:
        now = clock.now()
        async with in_transaction() as db:
            created = await AppConnection.create(app_id=app.id, account_id=viewer.account_id,
                                                 patient_id=patient_id, scopes=chosen,
                                                 created_at=now, using_db=db)
            if patient_id is not None:  # the patient (and a minor's parents) are told
                await notify_app_connected(app.name, patient_id, now, db)
        return created
    connection.scopes = chosen
    await connection.save(update_fields=["scopes"])
    return connection


@dataclass(frozen=True)
class ConnectedApp:
    connection_id: int
    app_name: str
    publisher: str
    record_name: str | None  # None: acts as the professional on every reachable record
    scopes: list[str]
    connected_at: datetime
    last_used_at: datetime | None


async def connected_apps(viewer: Viewer) -> list[ConnectedApp]:
    connections = await AppConnection.filter(
        account_id=viewer.account_id, revoked_at__isnull=True
    ).prefetch_related("app", "patient").order_by("-created_at", "-id")
    return [
        ConnectedApp(
            connection_id=c.id, app_name=c.app.name, publisher=c.app.publisher,
            record_name=c.patient.display_name if c.patient is not None else None,
            scopes=split_scopes(c.scopes), connected_at=c.created_at,
            last_used_at=c.last_used_at,
        )
        for c in connections
    ]


async def disconnect(viewer: Viewer, connection_id: int) -> bool:
    """End the connection and every token it gave, at once. False if it is not the person's."""
    now = clock.now()
    ended = await AppConnection.filter(
        id=connection_id, account_id=viewer.account_id, revoked_at__isnull=True
    ).update(revoked_at=now)
    if not ended:
        return False
    await OAuthToken.filter(connection_id=connection_id, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return True

