"""Sign-in: a password, then a second factor; failures are throttled per account.

The failure count lives in the account row, so the delay holds across processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import F

from api import clock
from api.identity.models import Account, AccountStatus, Role, SecondFactor, Session
from api.identity.passwords import hash_password, needs_rehash, verify_password
from api.identity.second_factor import totp_matches
from api.identity.tokens import digest, new_numeric_code, same_digest

FREE_ATTEMPTS = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
EMAIL_CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5


class SignInError(Exception):
    """Sign-in refused; `code` is machine-readable, `retry_after` in seconds when throttled."""

    def __init__(self, code: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


def delay_after(failures: int) -> timedelta:
    """No delay for the first attempts, then one that doubles with every failure."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    factor: int = 2 ** (failures - FREE_ATTEMPTS)
    return min(FIRST_DELAY * factor, MAX_DELAY)


def _retry_after(locked_until: datetime | None, moment: datetime) -> int | None:
    if locked_until is None or locked_until <= moment:
        return None
    return max(1, int((locked_until - moment).total_seconds() + 0.999))


async def record_failure(account_id: int) -> None:
    await Account.filter(id=account_id).update(failed_attempts=F("failed_attempts") + 1)
    account = await Account.get(id=account_id)
    wait = delay_after(account.failed_attempts)
    if wait:
        await Account.filter(id=account_id).update(locked_until=clock.now() + wait)


async def _reset_failures(account: Account) -> None:
    if account.failed_attempts or account.locked_until:
        await Account.filter(id=account.id).update(failed_attempts=0, locked_until=None)


def ensure_not_throttled(account: Account) -> None:
    wait = _retry_after(account.locked_until, clock.now())
    if wait is not None:
        raise SignInError("throttled", retry_after=wait)


async def check_password(email: str, password: str) -> Account:
    """The account whose e-mail and password these are, or SignInError."""
    account = await Account.filter(email=email.strip().lower()).first()
    if account is None:
        await verify_password(None, password)
        raise SignInError("bad_credentials")
    ensure_not_throttled(account)
    if not await verify_password(account.password_hash, password):
        await record_failure(account.id)
        raise SignInError("bad_credentials")
    if account.status is not AccountStatus.ACTIVE:
        raise SignInError(f"account_{account.status.value}")
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = await hash_password(password)
        await account.save(update_fields=["password_hash"])
    return account


def needs_totp_enrolment(account: Account) -> bool:
    wants_totp = account.role is Role.PROFESSIONAL or account.second_factor is SecondFactor.TOTP
    return wants_totp and account.totp_secret is None


async def issue_email_code(secret_key: str, session: Session) -> str:
    code = new_numeric_code()
    session.email_code_hash = digest(secret_key, code, f"email-code:{session.id}")
    session.email_code_expires_at = clock.now() + EMAIL_CODE_LIFETIME
    await session.save(update_fields=["email_code_hash", "email_code_expires_at"])
    return code


async def check_second_factor(secret_key: str, session: Session, code: str) -> None:
    """Accept the TOTP or e-mail code for this half-open session, or raise SignInError."""
    if session.code_attempts >= MAX_CODE_ATTEMPTS:
        raise SignInError("too_many_codes")
    account = await Account.get(id=session.account_id)
    ensure_not_throttled(account)
    code = "".join(ch for ch in code if ch.isdigit())
    if account.second_factor is SecondFactor.TOTP or account.role is Role.PROFESSIONAL:
        ok = await _accept_totp(account, code)
    else:
        expected = digest(secret_key, code, f"email-code:{session.id}")
        expires = session.email_code_expires_at
        fresh = expires is not None and clock.now() < expires
        if not fresh and same_digest(session.email_code_hash, expected):
            raise SignInError("code_expired")
        ok = fresh and same_digest(session.email_code_hash, expected)
    if not ok:
        await Session.filter(id=session.id).update(code_attempts=F("code_attempts") + 1)
        await record_failure(account.id)
        raise SignInError("bad_code")
    await _reset_failures(account)


async def _accept_totp(account: Account, code: str) -> bool:
    if account.totp_secret is None:
        return False
    counter = totp_matches(account.totp_secret, code, clock.now())
    # A code is accepted once: replaying an observed code is refused.
    last = account.totp_last_counter
    if counter is None or (last is not None and counter <= last):
        return False
    account.totp_last_counter = counter
    await account.save(update_fields=["totp_last_counter"])
    return True
