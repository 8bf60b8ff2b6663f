"""What a signed-in person changes on their own account: password, second factor."""

from __future__ import annotations

from api import clock
from api.identity.models import Account, Role, SecondFactor
from api.identity.passwords import hash_password, verify_password
from api.identity.second_factor import new_secret, totp_matches


class AccountError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def change_password(account: Account, current: str, new: str) -> None:
    if not await verify_password(account.password_hash, current):
        raise AccountError("bad_current_password")
    if current == new:
        raise AccountError("password_unchanged")
    account.password_hash = await hash_password(new)
    await account.save(update_fields=["password_hash"])


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
