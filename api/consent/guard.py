"""Finding the patient a consent operation is about, and checking who may do it.

Every check goes through ``authorize``: the identity section and then
``may_manage_consent`` for managing consent (one question, noted only when both allow);
``reach`` (``patient_reach``) for opening a record.
"""

from __future__ import annotations

import strawberry

from api.consent.access import OUT_OF_REACH, patient_by_id
from api.consent.permissions import Question, authorize, reach
from api.consent.policy import Decision, Rights, ViewerFacts, decide, may_manage_consent
from api.consent.sections import Action, Section
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Patient


def manages(action: Action) -> Question:
    """The policy's question for managing the consent: the identity section, then the
    relation (only the patient, or a parent until the 18th birthday)."""
    def question(viewer: ViewerFacts, rights: Rights) -> Decision:
        section = decide(viewer, rights, Section.IDENTITY, action)
        return may_manage_consent(viewer, rights) if section.allowed else section
    return question


async def require_manager(info: Info, patient: Patient, action: Action = Action.WRITE) -> None:
    """Only the patient, or a parent until the 18th birthday, manages the record's consent.

    A professional is refused even with a write grant on identity, and nothing is noted
    for them: a refusal reads nothing.
    """
    await authorize(info, patient, Section.IDENTITY, action, question=manages(action))


async def managed_patient(
    info: Info, raw_id: strawberry.ID | str, action: Action = Action.WRITE
) -> Patient:
    """The patient whose consent the viewer manages, or a NOT_FOUND / CONSENT_REQUIRED error."""
    patient = await patient_by_id(raw_id, context=info.context)
    await require_manager(info, patient, action)
    return patient


async def reachable_patient(info: Info, raw_id: strawberry.ID | str) -> Patient:
    """A patient the viewer has (or had) a relation to; strangers and blocked get NOT_FOUND."""
    patient = await patient_by_id(raw_id, "id", context=info.context)
    if (await reach(info, patient)).not_found:
        raise NotFound(OUT_OF_REACH)
    return patient
