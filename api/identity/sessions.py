"""Server-side sessions: idle timeout, absolute lifetime, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta

from api import clock
from api.identity.models import Account, Session, SessionStage
from api.identity.tokens import digest, new_token

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)
SECOND_FACTOR_WINDOW = timedelta(minutes=10)
# Writing last_seen_at on every request would make each page a write; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def token_digest(secret_key: str, token: str) -> str:
    return digest(secret_key, token, "session")


async def start_session(
    secret_key: str, account: Account, stage: SessionStage, user_agent: str = "", ip: str = ""
) -> tuple[str, Session]:
    token = new_token()
    moment = clock.now()
    lifetime = SECOND_FACTOR_WINDOW if stage is SessionStage.SECOND_FACTOR else ABSOLUTE_LIFETIME
    session = await Session.create(
        token_hash=token_digest(secret_key, token),
        account=account,
        stage=stage,
        created_at=moment,
        last_seen_at=moment,
        absolute_expires_at=moment + lifetime,
        user_agent=user_agent[:200],
        ip_address=ip[:45],
    )
    return token, session


def is_live(session: Session, moment: datetime) -> bool:
    return (
        session.revoked_at is None
        and moment < session.absolute_expires_at
        and moment - session.last_seen_at < IDLE_TIMEOUT
    )


async def load_session(secret_key: str, token: str | None) -> Session | None:
    """The live session for this token, with its account, or None."""
    if not token or len(token) > 100:
        return None
    session = (
        await Session.filter(token_hash=token_digest(secret_key, token))
        .select_related("account")
        .first()
    )
    moment = clock.now()
    if session is None or not is_live(session, moment):
        return None
    if moment - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = moment
        await Session.filter(id=session.id).update(last_seen_at=moment)
    return session


async def promote(session: Session) -> None:
    """The second factor is done: the session becomes a full one, with a fresh lifetime."""
    moment = clock.now()
    session.stage = SessionStage.ACTIVE
    session.absolute_expires_at = moment + ABSOLUTE_LIFETIME
    session.last_seen_at = moment
    session.email_code_hash = None
    session.email_code_expires_at = None
    await session.save(
        update_fields=[
            "stage", "absolute_expires_at", "last_seen_at", "email_code_hash",
            "email_code_expires_at",
        ]
    )


async def revoke(session_id: int, account_id: int) -> bool:
    changed = await Session.filter(id=session_id, account_id=account_id, revoked_at=None).update(
        revoked_at=clock.now()
    )
    return changed > 0


async def revoke_all(account_id: int, except_session_id: int | None = None) -> int:
    query = Session.filter(account_id=account_id, revoked_at=None)
    if except_session_id is not None:
        query = query.exclude(id=except_session_id)
    return await query.update(revoked_at=clock.now())


async def active_sessions(account_id: int) -> list[Session]:
    moment = clock.now()
    sessions = await Session.filter(
        account_id=account_id, revoked_at=None, stage=SessionStage.ACTIVE,
        absolute_expires_at__gt=moment, last_seen_at__gt=moment - IDLE_TIMEOUT,
    ).order_by("-last_seen_at")
    return list(sessions)
