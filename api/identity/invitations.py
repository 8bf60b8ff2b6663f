"""Opt-out accounts: a pending record with an activation code, then activation or opposition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api import clock
from api.identity import throttle
from api.identity.ins import Ins
from api.identity.models import Account, AccountStatus, Opposition, Patient, Role, SecondFactor
from api.identity.passwords import HashingBusy, check_policy, hash_password
from api.identity.tokens import digest, new_activation_code, normalise_activation_code, same_digest

ACTIVATION_LIFETIME = timedelta(weeks=6)
BUSY_RETRY_SECONDS = 5


class InvitationError(Exception):
    def __init__(self, code: str, retry_after: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class IdentityTraits:
    birth_name: str
    first_names: str
    birth_date: date
    sex: str
    birthplace_insee: str

    def problems(self) -> list[str]:
        found = []
        if not self.birth_name.strip():
            found.append("birth_name_required")
        if not self.first_names.strip():
            found.append("first_names_required")
        if self.birth_date > clock.now().date():
            found.append("birth_date_in_future")
        if self.sex not in ("F", "M", "U"):
            found.append("sex_invalid")
        if len(self.birthplace_insee) != 5 or not self.birthplace_insee[:2].isalnum():
            found.append("birthplace_invalid")
        return found


def nir_digest(secret_key: str, nir: str) -> str:
    return digest(secret_key, nir, "opposition")


async def invite(secret_key: str, ins: Ins, traits: IdentityTraits) -> tuple[Patient, str]:
    """Create a pending patient and return it with its activation code (shown once)."""
    problems = traits.problems()
    if problems:
        raise InvitationError(problems[0])
    if await Opposition.exists(nir_digest=nir_digest(secret_key, ins.nir)):
        raise InvitationError("opposed")
    if await Patient.exists(ins_nir=ins.nir):
        raise InvitationError("already_exists")
    code = new_activation_code()
    async with in_transaction():
        account = await Account.create(role=Role.PATIENT, status=AccountStatus.PENDING)
        patient = await Patient.create(
            account=account,
            ins_nir=ins.nir,
            ins_key=ins.key,
            birth_name=traits.birth_name.strip().upper(),
            first_names=" ".join(traits.first_names.split()),
            birth_date=traits.birth_date,
            sex=traits.sex,
            birthplace_insee=traits.birthplace_insee.upper(),
            activation_code_hash=digest(secret_key, code, f"activation:{ins.nir}"),
            activation_expires_at=clock.now() + ACTIVATION_LIFETIME,
        )
    return patient, code


async def _pending_patient(
    secret_key: str, ins: Ins, code: str
) -> tuple[Patient, throttle.Claim]:
    """The pending patient this INS and code belong to, with the attempt counted for them.

    Attempts are throttled per NIR typed, whether a record has it or not, and the same code
    is guessed through activation and opposition alike, so both share the count. The caller
    clears the count once the code is used.
    """
    try:
        attempt = await throttle.claim(throttle.throttle_key(secret_key, "activation", ins.nir))
    except throttle.Throttled as error:
        raise InvitationError("throttled", retry_after=error.retry_after) from error
    patient = await Patient.filter(ins_nir=ins.nir).select_related("account").first()
    expected = digest(secret_key, normalise_activation_code(code), f"activation:{ins.nir}")
    # One answer for "no such INS" and "wrong code": nobody learns who has a record.
    if (
        patient is None
        or patient.account is None
        or patient.account.status is not AccountStatus.PENDING
        or not same_digest(patient.activation_code_hash, expected)
    ):
        raise InvitationError("bad_activation")
    if patient.activation_expires_at is None or clock.now() >= patient.activation_expires_at:
        await throttle.release(attempt)  # the right code, too late: no guess
        raise InvitationError("activation_expired")
    return patient, attempt


async def _use_code(patient: Patient) -> None:
    """Spend the code in one conditional UPDATE: of two requests with it, one goes on."""
    spent = await Patient.filter(
        id=patient.id, activation_code_hash=patient.activation_code_hash
    ).update(activation_code_hash=None, activation_expires_at=None)
    if not spent:
        raise InvitationError("bad_activation")


async def activate(
    secret_key: str, ins: Ins, code: str, email: str, password: str
) -> Account:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvitationError("email_invalid")
    check_policy(password)
    patient, attempt = await _pending_patient(secret_key, ins, code)
    if await Account.exists(email=email):
        # Stays counted: a valid code must not become a way to test address after address.
        raise InvitationError("email_taken")
    account = patient.account
    assert account is not None
    account.email = email
    try:
        account.password_hash = await hash_password(password)
    except HashingBusy as error:
        await throttle.release(attempt)
        raise InvitationError("busy", retry_after=BUSY_RETRY_SECONDS) from error
    account.status = AccountStatus.ACTIVE
    account.second_factor = SecondFactor.EMAIL
    account.activated_at = clock.now()
    try:
        async with in_transaction():
            await _use_code(patient)
            await account.save()
            patient.contact_email = email
            await patient.save(update_fields=["contact_email"])
    except IntegrityError as error:  # the address was taken in the meantime
        raise InvitationError("email_taken") from error
    await throttle.clear(attempt.key)
    return account


async def oppose(secret_key: str, ins: Ins, code: str) -> None:
    """The person refuses the record: it is deleted, only the opposition is remembered."""
    patient, attempt = await _pending_patient(secret_key, ins, code)
    account = patient.account
    assert account is not None
    async with in_transaction():
        await _use_code(patient)
        await Opposition.create(nir_digest=nir_digest(secret_key, ins.nir))
        await patient.delete()
        account.status = AccountStatus.OPPOSED
        account.closed_at = clock.now()
        await account.save(update_fields=["status", "closed_at"])
    await throttle.clear(attempt.key)
