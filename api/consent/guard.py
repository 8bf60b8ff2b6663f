"""Finding the patient a consent operation is about, and checking who may do it.

Every check goes through the policy: ``authorize`` for the section, then
``may_manage_consent`` for managing consent, ``patient_reach`` for opening a record.
"""

from __future__ import annotations

import strawberry

from api.consent.access import OUT_OF_REACH, patient_by_id
from api.consent.permissions import authorize, facts_for, refuse
from api.consent.policy import may_manage_consent, patient_reach
from api.consent.sections import Action, Section
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Patient


async def require_manager(info: Info, patient: Patient, action: Action = Action.WRITE) -> None:
    """Only the patient, or a parent until the 18th birthday, manages the record's consent.

    A professional is refused even with a write grant on identity.
    """
    await authorize(info, patient, Section.IDENTITY, action)
    viewer, rights = await facts_for(info.context, patient)
    decision = may_manage_consent(viewer, rights)
    if not decision.allowed:
        raise refuse(decision, Section.IDENTITY, action)


async def managed_patient(
    info: Info, raw_id: strawberry.ID | str, action: Action = Action.WRITE
) -> Patient:
    """The patient whose consent the viewer manages, or a NOT_FOUND / CONSENT_REQUIRED error."""
    patient = await patient_by_id(raw_id)
    await require_manager(info, patient, action)
    return patient


async def reachable_patient(info: Info, raw_id: strawberry.ID | str) -> Patient:
    """A patient the viewer has (or had) a relation to; strangers and blocked get NOT_FOUND."""
    patient = await patient_by_id(raw_id, "id")
    viewer, rights = await facts_for(info.context, patient)
    decision = patient_reach(viewer, rights)
    if not decision.allowed and decision.not_found:
        raise NotFound(OUT_OF_REACH)
    return patient
