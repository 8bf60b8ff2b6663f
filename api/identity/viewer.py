"""Who is asking: loading the signed-in account behind a request, if any (the value type is
``api.graphql.viewer.Viewer``)."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from api.graphql.viewer import Viewer
from api.identity.models import Session, SessionStage
from api.identity.sessions import load_session

SESSION_COOKIE = "carnet_session"


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
    # One Viewer per request, like its session: the loaders of a page's operations know
    # their viewer by identity, so every operation of the page shares their answers.
    viewer: Viewer | None = getattr(conn.state, "viewer", None)
    if viewer is None or viewer.session is not session:
        viewer = Viewer(account=session.account, session=session)
        conn.state.viewer = viewer
    return viewer
