"""What a signed-in person changes on their own account: password, second factor."""

from __future__ import annotations

from api import clock
from api.identity import throttle
from api.identity.models import Account, Role, SecondFactor
from api.identity.passwords import HashingBusy, hash_password, verify_password
from api.identity.second_factor import new_secret, totp_matches
from api.identity.signin import BUSY_RETRY_SECONDS, password_key


class AccountError(Exception):
    def __init__(self, code: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


async def change_password(secret_key: str, account: Account, current: str, new: str) -> None:
    """Guesses at the current password count on the same throttle as sign-in attempts."""
    await check_current_password(secret_key, account, current)
    if current == new:
        raise AccountError("password_unchanged")
    try:
        account.password_hash = await hash_password(new)
    except HashingBusy as error:
        raise AccountError("busy", retry_after=BUSY_RETRY_SECONDS) from error
    await account.save(update_fields=["password_hash"])


async def check_current_password(secret_key: str, account: Account, current: str) -> None:
    """AccountError ``bad_current_password`` unless ``current`` is the account's password
    (for a step that asks it again); guesses count on the sign-in throttle."""
    try:
        attempt = await throttle.claim(password_key(secret_key, account.email or ""))
    except throttle.Throttled as error:
        raise AccountError("throttled", retry_after=error.retry_after) from error
    try:
        matches = await verify_password(account.password_hash, current)
    except HashingBusy as error:
        await throttle.release(attempt)
        raise AccountError("busy", retry_after=BUSY_RETRY_SECONDS) from error
    if not matches:
        raise AccountError("bad_current_password")
    await throttle.release(attempt)


async def begin_totp_enrolment(account: Account) -> str:
    """A new secret kept aside until a code from the app confirms it."""
    if account.totp_pending_secret is None:
        account.totp_pending_secret = new_secret()
        await account.save(update_fields=["totp_pending_secret"])
    return account.totp_pending_secret


async def confirm_totp_enrolment(account: Account, code: str) -> None:
    secret = account.totp_pending_secret
    counter = None if secret is None else totp_matches(secret, code.strip(), clock.now())
    if secret is None or counter is None:
        raise AccountError("bad_code")
    account.totp_secret = secret
    account.totp_pending_secret = None
    account.totp_last_counter = counter
    account.second_factor = SecondFactor.TOTP
    await account.save(
        update_fields=["totp_secret", "totp_pending_secret", "totp_last_counter", "second_factor"]
    )


async def use_email_codes(account: Account) -> None:
    if account.role is Role.PROFESSIONAL:
        raise AccountError("professionals_need_totp")
    account.second_factor = SecondFactor.EMAIL
    await account.save(update_fields=["second_factor"])


async def choose_language(account: Account, language: str) -> None:
    """Remember the language the person chose while signed in (api.texts: other devices and
    their e-mails follow it)."""
    if account.language != language:
        account.language = language
        await account.save(update_fields=["language"])
