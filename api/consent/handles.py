"""Opaque handles to a record, from a successful lookup by INS and birth date.

A professional with no relation to the patient must be able to deposit a document for
them, without learning anything of the record, not even its id. The lookup hands them a
random handle instead; only its keyed digest is stored, bound to their account, for an
hour. ``patient_for_handle`` is what a deposit path calls to turn it back into the patient.
"""

from __future__ import annotations

from datetime import timedelta

from api import clock
from api.consent.models import LookupHandle
from api.identity.models import Patient
from api.identity.tokens import digest, new_token

HANDLE_LIFETIME = timedelta(hours=1)
_PURPOSE = "patient-lookup-handle"


async def issue_handle(secret_key: str, patient: Patient, account_id: int) -> str:
    """A new handle to this record for this account; the account's expired ones go away."""
    now = clock.now()
    await LookupHandle.filter(account_id=account_id, expires_at__lte=now).delete()
    token = new_token()
    await LookupHandle.create(patient_id=patient.id, account_id=account_id,
                              digest=digest(secret_key, token, _PURPOSE),
                              expires_at=now + HANDLE_LIFETIME)
    return token


async def patient_for_handle(secret_key: str, handle: str, account_id: int) -> Patient | None:
    """The patient behind a live handle issued to this account, else None."""
    row = await LookupHandle.filter(
        digest=digest(secret_key, handle.strip(), _PURPOSE), account_id=account_id,
        expires_at__gt=clock.now(),
    ).select_related("patient").first()
    return None if row is None else row.patient
