"""Who is asking: the signed-in account behind a request, if any."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from api.identity.models import Account, Session, SessionStage
from api.identity.sessions import load_session

SESSION_COOKIE = "carnet_session"


@dataclass(frozen=True)
class AppIdentity:
    """An OAuth app acting for the viewer (bearer requests only).

    ``scopes`` are ``<section>.<action>`` strings; ``patient_id`` is the one record the
    person connected the app to, or None when it acts for a professional on every record
    they may reach. ``allowlist``: the app may run only the operations registered for it.
    """

    client_id: str
    name: str
    scopes: frozenset[str]
    patient_id: int | None
    allowlist: bool = False


@dataclass(frozen=True)
class Viewer:
    account: Account
    session: Session | None
    app: AppIdentity | None = None

    @property
    def account_id(self) -> int:
        return self.account.id


async def session_from_request(conn: HTTPConnection, secret_key: str) -> Session | None:
    """The request's live session (any stage), loaded once per request."""
    if not getattr(conn.state, "session_loaded", False):
        conn.state.session = await load_session(secret_key, conn.cookies.get(SESSION_COOKIE))
        conn.state.session_loaded = True
    session: Session | None = conn.state.session
    return session


async def viewer_from_request(conn: HTTPConnection, secret_key: str) -> Viewer | None:
    session = await session_from_request(conn, secret_key)
    if session is None or session.stage is not SessionStage.ACTIVE:
        return None
    return Viewer(account=session.account, session=session)
