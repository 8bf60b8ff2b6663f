"""Sign-in: a password, then a second factor; failures are throttled per typed address.

Every attempt claims a slot on the throttle of the address typed before anything slow or
guessable is checked (see throttle.py), whether an account has that address or not: an
unknown address answers, waits and is throttled exactly like a known one, and costs the
same single password hash.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import F, Q

from api import clock
from api.identity import throttle
from api.identity.models import Account, AccountStatus, Role, SecondFactor, Session, SessionStage
from api.identity.passwords import HashingBusy, hash_password, needs_rehash, verify_password
from api.identity.second_factor import totp_matches
from api.identity.tokens import digest, new_numeric_code, same_digest
from api.ids import ascii_digits

EMAIL_CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
# When the password checks are all busy, the browser is asked to come back this soon.
BUSY_RETRY_SECONDS = 5


class SignInError(Exception):
    """Sign-in refused; `code` is machine-readable, `retry_after` in seconds when throttled."""

    def __init__(self, code: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_key(secret_key: str, email: str) -> str:
    """The throttle key of a typed address: the same for an account's and a stranger's."""
    return throttle.throttle_key(secret_key, "sign-in", normalise_email(email))


def _account_key(secret_key: str, account: Account) -> str:
    if account.email:
        return password_key(secret_key, account.email)
    return throttle.throttle_key(secret_key, "sign-in-account", str(account.id))


def _email_code_key(secret_key: str, account: Account) -> str:
    return throttle.throttle_key(secret_key, "email-code", str(account.id))


def network_key(secret_key: str, client_ip: str) -> str | None:
    """The throttle key of the client's network: its IPv4 address, or its IPv6 /64."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/64", strict=False).network_address
        return throttle.throttle_key(secret_key, "sign-in-network", str(network))
    return throttle.throttle_key(secret_key, "sign-in-network", str(address))


async def _claim(key: str, refused_as: str = "throttled",
                 policy: throttle.Policy = throttle.PERSONAL) -> throttle.Claim:
    try:
        return await throttle.claim(key, policy)
    except throttle.Throttled as error:
        raise SignInError(refused_as, retry_after=error.retry_after) from error


async def _claim_attempt(secret_key: str, email: str, client_ip: str) -> list[throttle.Claim]:
    """One attempt counted on the address typed and on the client's network, or refused."""
    claims = [await _claim(password_key(secret_key, email))]
    network = network_key(secret_key, client_ip)
    if network is not None:
        try:
            claims.append(await _claim(network, policy=throttle.NETWORK))
        except SignInError:
            await throttle.release(claims[0])  # refused for the network: no guess was made
            raise
    return claims


async def _release(claims: list[throttle.Claim]) -> None:
    for claim in claims:
        await throttle.release(claim)


async def check_password(secret_key: str, email: str, password: str,
                         client_ip: str = "") -> Account:
    """The account whose e-mail and password these are, or SignInError."""
    email = normalise_email(email)
    claims = await _claim_attempt(secret_key, email, client_ip)
    account = await Account.filter(email=email).first()
    try:
        matches = await verify_password(account.password_hash if account else None, password)
    except HashingBusy as error:
        await _release(claims)
        raise SignInError("busy", retry_after=BUSY_RETRY_SECONDS) from error
    if account is None or not matches:
        raise SignInError("bad_credentials")
    # The right password is no failure, but only the second factor clears the count:
    # knowing the password must not buy unlimited guesses at the code.
    await _release(claims)
    # A patient who closed their account signs in to reopen it (nothing else is offered).
    closed_patient = account.status is AccountStatus.CLOSED and account.role is Role.PATIENT
    if account.status is not AccountStatus.ACTIVE and not closed_patient:
        raise SignInError(f"account_{account.status.value}")
    if account.password_hash and needs_rehash(account.password_hash):
        try:
            account.password_hash = await hash_password(password)
            await account.save(update_fields=["password_hash"])
        except HashingBusy:
            pass  # the next sign-in rehashes
    return account


def needs_totp_enrolment(account: Account) -> bool:
    wants_totp = account.role is Role.PROFESSIONAL or account.second_factor is SecondFactor.TOTP
    return wants_totp and account.totp_secret is None


def sends_email_code(account: Account) -> bool:
    """Whether the second step starts with a code e-mailed to the account's address.

    A first authenticator is enrolled only after such a code: whoever holds the password
    alone must not be able to add their own authenticator to someone else's account.
    """
    return needs_totp_enrolment(account) or account.second_factor is SecondFactor.EMAIL


@dataclass(frozen=True)
class EmailCode:
    code: str
    sending: throttle.Claim


async def issue_email_code(secret_key: str, session: Session, account: Account) -> EmailCode:
    """A fresh code for this half-open session; sending codes is throttled per account."""
    sending = await _claim(_email_code_key(secret_key, account), refused_as="codes_throttled")
    code = new_numeric_code()
    session.email_code_hash = digest(secret_key, code, f"email-code:{session.id}")
    session.email_code_expires_at = clock.now() + EMAIL_CODE_LIFETIME
    await session.save(update_fields=["email_code_hash", "email_code_expires_at"])
    return EmailCode(code, sending)


async def email_code_not_sent(issued: EmailCode) -> None:
    """The mail could not go out: the person is not charged for it."""
    await throttle.release(issued.sending)


async def count_code_attempt(session: Session) -> None:
    """One of the session's few code attempts, taken atomically before the code is checked."""
    taken = await Session.filter(id=session.id, code_attempts__lt=MAX_CODE_ATTEMPTS).update(
        code_attempts=F("code_attempts") + 1
    )
    if not taken:
        raise SignInError("too_many_codes")


async def check_second_factor(secret_key: str, session: Session, code: str) -> None:
    """Accept the TOTP or e-mail code for this half-open session, or raise SignInError."""
    await count_code_attempt(session)
    account = await Account.get(id=session.account_id)
    attempt = await _claim(_account_key(secret_key, account))
    code = ascii_digits(code)
    if account.second_factor is SecondFactor.TOTP or account.role is Role.PROFESSIONAL:
        ok = await _accept_totp(account, code)
    else:
        ok = await _email_code_matches(secret_key, session, code, attempt)
    if not ok:
        raise SignInError("bad_code")
    await throttle.clear(attempt.key)
    await throttle.clear(_email_code_key(secret_key, account))


async def _email_code_matches(secret_key: str, session: Session, code: str,
                              attempt: throttle.Claim) -> bool:
    """Whether `code` is the session's live e-mailed code; SignInError when it expired."""
    expected = digest(secret_key, code, f"email-code:{session.id}")
    expires = session.email_code_expires_at
    fresh = expires is not None and clock.now() < expires
    if not fresh and same_digest(session.email_code_hash, expected):
        await throttle.release(attempt)
        raise SignInError("code_expired")
    return fresh and same_digest(session.email_code_hash, expected)


async def check_enrolment_code(secret_key: str, session: Session, code: str) -> None:
    """The e-mailed code that opens the enrolment of a first authenticator, or SignInError.

    Counted like any code (per session and on the account's throttle). The right code moves
    the session to ENROLMENT, with fresh code attempts for the authenticator's code; the
    throttle is cleared only when the authenticator is confirmed.
    """
    await count_code_attempt(session)
    account = await Account.get(id=session.account_id)
    attempt = await _claim(_account_key(secret_key, account))
    if not await _email_code_matches(secret_key, session, ascii_digits(code), attempt):
        raise SignInError("bad_code")
    await throttle.release(attempt)
    moved = await Session.filter(
        id=session.id, stage=SessionStage.SECOND_FACTOR, revoked_at=None
    ).update(stage=SessionStage.ENROLMENT, email_code_hash=None, email_code_expires_at=None,
             code_attempts=0)
    if not moved:  # the same code used twice at once: only one request moves the session
        raise SignInError("bad_code")


async def enrolment_done(secret_key: str, account: Account) -> None:
    """The first authenticator is confirmed: the sign-in counts start again."""
    await throttle.clear(_account_key(secret_key, account))
    await throttle.clear(_email_code_key(secret_key, account))


async def _accept_totp(account: Account, code: str) -> bool:
    if account.totp_secret is None:
        return False
    counter = totp_matches(account.totp_secret, code, clock.now())
    if counter is None:
        return False
    # A code is accepted once: the step is recorded only if no later or equal one was, in
    # one statement, so two requests replaying the same code cannot both pass.
    taken = await Account.filter(
        Q(totp_last_counter=None) | Q(totp_last_counter__lt=counter), id=account.id
    ).update(totp_last_counter=counter)
    return bool(taken)
