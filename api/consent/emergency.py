"""Break-glass: an emergency professional opens read-only access to a record for 4 hours.

Only emergency professions may, never against the patient's opposition, always with a
reason; the opening is written to the access history (with the reason) in the same
transaction as the access, and the patient (the parents of a minor) and the treating doctor
are notified.
"""

from __future__ import annotations

from datetime import timedelta

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api import clock
from api.audit.log import record_event
from api.audit.models import RequestKind
from api.consent.loaders import forget_rights
from api.consent.messages import Problem
from api.consent.models import EmergencyAccess, Notification, NotificationKind, TreatingDoctor
from api.consent.notifications import (
    notifications_for,
    patient_name,
    patient_recipients,
    professional_name,
)
from api.consent.policy import may_open_emergency_access
from api.consent.sections import Action, Basis, Refusal, Section
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.graphql.permissions import facts_for, refuse
from api.identity.models import Patient, Professional
from api.records.access import OUT_OF_REACH, patient_by_id

EMERGENCY_DURATION = timedelta(hours=4)
MIN_REASON_LENGTH = 15
# Refusals the professional is told about as a user error rather than a GraphQL error.
_EXPLAINED = {
    Refusal.NOT_EMERGENCY_PROFESSION: "NOT_EMERGENCY_PROFESSION",
    Refusal.EMERGENCY_OPPOSED: "EMERGENCY_OPPOSED",
}


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
    await record_event(
        patient_id=patient.id, viewer_account_id=professional.account_id,
        basis=Basis.EMERGENCY, sections=(), actions=(), request_kind=RequestKind.EMERGENCY_OPEN,
        detail=access.reason, connection=connection,
    )
    recipients = (await patient_recipients([patient], access.opened_at))[patient.id]
    doctor = await TreatingDoctor.filter(patient_id=patient.id).select_related(
        "professional").using_db(connection).first()
    if doctor is not None and doctor.professional_id != professional.id:
        recipients.append(doctor.professional.account_id)
    payload = {
        "patient": patient_name(patient),
        "professional": professional_name(professional),
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


async def open_emergency_access(
    info: Info, raw_patient_id: strawberry.ID, reason: str
) -> tuple[EmergencyAccess | None, Patient | None, list[Problem]]:
    """Open break-glass access for the viewer; a blocked viewer finds no patient at all."""
    patient = await patient_by_id(raw_patient_id)
    viewer, rights = await facts_for(info.context, patient)
    decision = may_open_emergency_access(viewer, rights)
    if decision.not_found:
        raise NotFound(OUT_OF_REACH)
    problems: list[Problem] = []
    if not decision.allowed:
        if decision.reason not in _EXPLAINED:
            raise refuse(decision, Section.IDENTITY, Action.READ)
        problems.append(Problem(None, _EXPLAINED[decision.reason]))
    problems += reason_problems(reason)
    if problems:
        return None, None, problems
    professional = await Professional.get(account_id=viewer.account_id)
    now = clock.now()
    async with in_transaction() as connection:
        access = await EmergencyAccess.create(
            patient_id=patient.id, professional_id=professional.id, reason=reason.strip(),
            opened_at=now, expires_at=now + EMERGENCY_DURATION, using_db=connection,
        )
        await record_emergency_event(access, patient, professional, connection)
    forget_rights(info.context.loaders, patient)
    return access, patient, []
