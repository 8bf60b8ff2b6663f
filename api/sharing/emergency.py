"""Break-glass: an emergency professional opens read-only access to a record for 4 hours.

The patient is named by INS and birth date, like any lookup (never by a record id, which
could be guessed). Only emergency professions may, never against the patient's
opposition, always with a reason; every refusal is one and the same NOT_FOUND. The opening
is written to the access history (naming the access, whose reason is sealed) in the same
transaction as the access, and the patient (the parents of a minor) and the treating doctor
are notified.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api import clock
from api.audit.log import record_event
from api.audit.models import RequestKind
from api.audit.references import EMERGENCY_ACCESS, reference
from api.consent.loaders import forget_rights
from api.consent.lookup import found, look_up
from api.consent.models import EmergencyAccess, Notification, NotificationKind, TreatingDoctor
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.consent.policy import may_open_emergency_access
from api.consent.sections import Basis, Refusal
from api.graphql.common import Problem
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Patient, Professional

EMERGENCY_DURATION = timedelta(hours=4)
MIN_REASON_LENGTH = 15
# The one answer to every refusal: whoever asks must not learn whether the person exists,
# opposed break-glass, or blocked them.
REFUSED = "No emergency access can be opened for this INS and birth date."


# The open accesses a professional's list shows at most (each lasts 4 hours).
MY_OPEN_ACCESSES_MAX = 50


@strawberry.type(name="MyEmergencyAccess",
                 description="An emergency access the viewer opened that is still open.")
class MyEmergencyAccessType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(description="The record it opens.")
    reason: str
    opened_at: datetime
    expires_at: datetime
    seconds_left: int = strawberry.field(description="Until the access closes.")

    @classmethod
    def from_model(cls, access: EmergencyAccess, now: datetime) -> MyEmergencyAccessType:
        return cls(id=strawberry.ID(str(access.id)),
                   patient_id=strawberry.ID(str(access.patient_id)), reason=access.reason,
                   opened_at=access.opened_at, expires_at=access.expires_at,
                   seconds_left=max(0, int((access.expires_at - now).total_seconds())))


async def my_open_accesses(account_id: int) -> list[MyEmergencyAccessType]:
    """The viewer's emergency accesses still open now, the one closing last first."""
    now = clock.now()
    rows = await EmergencyAccess.filter(
        professional__account_id=account_id, opened_at__lte=now, expires_at__gt=now,
    ).order_by("-expires_at", "-id").limit(MY_OPEN_ACCESSES_MAX)
    return [MyEmergencyAccessType.from_model(access, now) for access in rows]


def reason_problems(reason: str) -> list[Problem]:
    if len(reason.strip()) < MIN_REASON_LENGTH:
        return [Problem("reason", "REASON_TOO_SHORT", {"minimum": str(MIN_REASON_LENGTH)})]
    return []


async def record_emergency_event(
    access: EmergencyAccess, patient: Patient, professional: Professional,
    connection: BaseDBAsyncClient | None = None,
) -> None:
    """The break-glass event, distinct from the reads it allows, in the caller's transaction.

    Writes it to the patient's access history, with the reason given, and notifies the
    patient (and the parents of a minor) and the treating doctor.
    """
    if professional.account_id is None:  # only a signed-in professional opens one
        raise ValueError("A directory entry without an account cannot open emergency access.")
    await record_event(
        patient_id=patient.id, viewer_account_id=professional.account_id,
        basis=Basis.EMERGENCY, sections=(), actions=(), request_kind=RequestKind.EMERGENCY_OPEN,
        # The access's id, not its reason: the reason is sealed in the access's row, the
        # history is not (api/audit/references.py).
        detail=reference(EMERGENCY_ACCESS, access.id), connection=connection,
    )
    recipients = (await patient_recipients([patient], access.opened_at))[patient.id]
    doctor = await TreatingDoctor.filter(patient_id=patient.id).select_related(
        "professional").using_db(connection).first()
    if (doctor is not None and doctor.professional_id != professional.id
            and doctor.professional.account_id is not None):
        recipients.append(doctor.professional.account_id)
    payload = {
        "patient": patient.display_name,
        "professional": professional.display_name,
        "profession": professional.profession,
        "reason": access.reason,
        "opened_at": access.opened_at.isoformat(),
        "expires_at": access.expires_at.isoformat(),
        "access_id": str(access.id),
    }
    rows = notifications_for(recipients, patient, NotificationKind.EMERGENCY_ACCESS, payload,
                             access.opened_at)
    if rows:
        await Notification.bulk_create(rows, using_db=connection)


async def _record_refused_attempt(patient: Patient, account_id: int) -> None:
    """The patient sees that someone tried to break the glass against their opposition.

    Without the reason given: no row keeps it sealed (nothing was opened), and the history
    is not sealed: a copy there would outlive the patient's key (api/audit/references.py).
    """
    await record_event(
        patient_id=patient.id, viewer_account_id=account_id, basis=Basis.EMERGENCY,
        sections=(), actions=(), request_kind=RequestKind.EMERGENCY_REFUSED,
    )


async def open_emergency_access(
    info: Info, ins: str, birth_date: date, reason: str
) -> tuple[EmergencyAccess | None, Patient | None, list[Problem]]:
    """Open break-glass access to the patient with exactly this INS and birth date.

    A reason too short is a user error (it says nothing about anyone). Then every refusal
    (not an emergency profession, nobody with these traits, the patient opposed, a block)
    is the same NOT_FOUND, counted as a missed lookup; an opposition is also written to the
    patient's access history, so the patient knows someone tried.
    """
    account_id = info.context.require_viewer().account_id
    problems = reason_problems(reason)
    if problems:
        return None, None, problems
    lookup = await look_up(info, ins, birth_date)
    decision = may_open_emergency_access(lookup.viewer, lookup.rights)
    if not (lookup.exists and decision.allowed):
        if lookup.exists and decision.reason is Refusal.EMERGENCY_OPPOSED:
            await _record_refused_attempt(lookup.patient, account_id)
        raise NotFound(REFUSED)
    await found(lookup)
    patient = lookup.patient
    professional = await Professional.get(account_id=account_id)
    now = clock.now()
    async with in_transaction() as connection:
        access = await EmergencyAccess.create(
            patient_id=patient.id, professional_id=professional.id, reason=reason.strip(),
            opened_at=now, expires_at=now + EMERGENCY_DURATION, using_db=connection,
        )
        await record_emergency_event(access, patient, professional, connection)
    forget_rights(info.context.loaders, patient)
    return access, patient, []
