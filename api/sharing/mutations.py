"""Consent changes. The patient's side needs the owner or a parent (``may_manage_consent``);
break-glass needs an emergency profession (``may_open_emergency_access``).

A patient or grant out of reach is NOT_FOUND; invalid choices come back as ``userErrors``
and then nothing changed. Each change commits with its event in the access history (the
services run inside the mutation's transaction).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TypeVar

import strawberry

from api import clock
from api.audit.log import audited_change, audited_transaction
from api.consent import services
from api.consent.guard import managed_patient, require_manager
from api.consent.loaders import forget_rights
from api.consent.messages import user_errors
from api.consent.models import Grant
from api.consent.notifications import mark_read
from api.consent.permissions import OUT_OF_REACH, SectionEnum
from api.graphql.common import Problem, parse_id
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Patient
from api.records.types import PatientType
from api.sharing.emergency import open_emergency_access
from api.sharing.hiding import set_document_hidden
from api.sharing.types import (
    BlockedProfessionalType,
    BlockPayload,
    ConsentChangePayload,
    EmergencyAccessPayload,
    EmergencyAccessType,
    EmergencyOppositionPayload,
    GrantPayload,
    GrantType,
    HideDocumentPayload,
    MarkNotificationsReadPayload,
    TreatingDoctorPayload,
    TreatingDoctorType,
)

T = TypeVar("T")


def _refused(result: object) -> bool:
    """Whether a consent service found problems (and so changed nothing)."""
    problems = result[1] if isinstance(result, tuple) else result
    return bool(problems)


async def _change(info: Info, change: Callable[[], Awaitable[T]]) -> T:
    """Run a consent change in one transaction with its access event (none for the patient's
    own changes, one for a parent's); a change that found problems leaves no event."""
    return await audited_change(info.context, change, _refused)


def _done(info: Info, problems: list[Problem]) -> ConsentChangePayload:
    return ConsentChangePayload(done=not problems,
                                user_errors=user_errors(problems, info.context.language))


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(description="Let a professional read chosen sections (and change them "
                         "with `write`) until `expiresAt`: one year at most, and by default. "
                         "Replaces the professional's current access.")
    async def grant_access(
        self, info: Info, patient_id: strawberry.ID, professional_id: strawberry.ID,
        sections: list[SectionEnum],  # type: ignore[valid-type]
        write: bool = False, expires_at: datetime | None = None,
    ) -> GrantPayload | None:
        patient = await managed_patient(info, patient_id)
        professional = parse_id(professional_id, "professionalId")
        by_account_id = info.context.require_viewer().account_id
        grant, problems = await _change(info, lambda: services.grant_access(
            patient, professional, sections, write=write, expires_at=expires_at,
            by_account_id=by_account_id))
        if grant is not None:
            await grant.fetch_related("professional")
        return GrantPayload(
            grant=GrantType.from_model(grant, clock.now()) if grant else None,
            user_errors=user_errors(problems, info.context.language))

    @strawberry.mutation(description="End an access now.")
    async def revoke_grant(self, info: Info, grant_id: strawberry.ID) -> GrantPayload | None:
        grant = await Grant.filter(id=parse_id(grant_id, "grantId")).select_related(
            "professional").first()
        if grant is None:
            # The words of every out-of-reach answer: a grant of someone else's record and
            # a grant that does not exist read the same.
            raise NotFound(OUT_OF_REACH)
        await require_manager(info, await Patient.get(id=grant.patient_id))
        problems = await _change(info, lambda: services.revoke_grant(grant))
        return GrantPayload(grant=GrantType.from_model(grant, clock.now()),
                            user_errors=user_errors(problems, info.context.language))

    @strawberry.mutation(description="Choose a doctor as treating doctor (replaces the "
                         "previous one). They read every section, hidden documents included.")
    async def designate_treating_doctor(self, info: Info, patient_id: strawberry.ID,
                                        professional_id: strawberry.ID
                                        ) -> TreatingDoctorPayload | None:
        patient = await managed_patient(info, patient_id)
        professional = parse_id(professional_id, "professionalId")
        designation, problems = await _change(
            info, lambda: services.designate_treating_doctor(patient, professional))
        if designation is not None:
            await designation.fetch_related("professional")
        return TreatingDoctorPayload(
            treating_doctor=TreatingDoctorType.from_model(designation) if designation else None,
            user_errors=user_errors(problems, info.context.language))

    @strawberry.mutation(description="No longer have a treating doctor.")
    async def remove_treating_doctor(self, info: Info,
                                     patient_id: strawberry.ID) -> ConsentChangePayload | None:
        patient = await managed_patient(info, patient_id)
        return _done(info, await _change(info, lambda: services.remove_treating_doctor(patient)))

    @strawberry.mutation(description="Block a professional: they can no longer find or read "
                         "the record. Ends their grants (revoked, reason BLOCKED) and their "
                         "treating-doctor designation.")
    async def block_professional(self, info: Info, patient_id: strawberry.ID,
                                 professional_id: strawberry.ID) -> BlockPayload | None:
        patient = await managed_patient(info, patient_id)
        professional = parse_id(professional_id, "professionalId")
        block, problems = await _change(
            info, lambda: services.block_professional(patient, professional))
        if block is not None:
            await block.fetch_related("professional")
        return BlockPayload(
            blocked_professional=BlockedProfessionalType.from_model(block) if block else None,
            user_errors=user_errors(problems, info.context.language))

    @strawberry.mutation(description="Lift a block. Restores nothing: grants and the "
                         "designation the block ended stay ended.")
    async def unblock_professional(self, info: Info, patient_id: strawberry.ID,
                                   professional_id: strawberry.ID) -> ConsentChangePayload | None:
        patient = await managed_patient(info, patient_id)
        professional = parse_id(professional_id, "professionalId")
        return _done(info, await _change(
            info, lambda: services.unblock_professional(patient, professional)))

    @strawberry.mutation(description="Hide a document from professionals. Its author and the "
                         "treating doctor still see it.")
    async def hide_document(self, info: Info,
                            document_id: strawberry.ID) -> HideDocumentPayload | None:
        hidden_id = await set_document_hidden(info, document_id, True)
        return HideDocumentPayload(document_id=strawberry.ID(str(hidden_id)),
                                   hidden_from_professionals=True, user_errors=[])

    @strawberry.mutation(description="Show a hidden document to professionals again.")
    async def unhide_document(self, info: Info,
                              document_id: strawberry.ID) -> HideDocumentPayload | None:
        shown_id = await set_document_hidden(info, document_id, False)
        return HideDocumentPayload(document_id=strawberry.ID(str(shown_id)),
                                   hidden_from_professionals=False, user_errors=[])

    @strawberry.mutation(description="Oppose (or accept again) emergency break-glass access.")
    async def set_emergency_access_opposition(
        self, info: Info, patient_id: strawberry.ID, opposed: bool
    ) -> EmergencyOppositionPayload | None:
        patient = await managed_patient(info, patient_id)
        async with audited_transaction(info.context):
            await services.set_emergency_opposition(patient, opposed)
        forget_rights(info.context.loaders, patient)
        return EmergencyOppositionPayload(emergency_access_opposed=opposed, user_errors=[])

    @strawberry.mutation(description="Emergency professions only: open read-only access for 4 "
                         "hours to the record of the patient with exactly this INS and birth "
                         "date, with a reason (15 characters at least). The patient and their "
                         "treating doctor are told. Every refusal (not an emergency profession, "
                         "nobody with these traits, the patient opposed, a block) is the same "
                         "NOT_FOUND, counted like a missed lookup.")
    async def open_emergency_access(self, info: Info, ins: str, birth_date: date,
                                    reason: str) -> EmergencyAccessPayload | None:
        access, patient, problems = await open_emergency_access(info, ins, birth_date, reason)
        if access is not None:
            await access.fetch_related("professional")
        return EmergencyAccessPayload(
            emergency_access=EmergencyAccessType.from_model(access, clock.now())
            if access else None,
            patient=PatientType.from_model(patient) if patient else None,
            user_errors=user_errors(problems, info.context.language))

    @strawberry.mutation(description="Mark the viewer's notifications read: the ones given, "
                         "or all of them.")
    async def mark_notifications_read(
        self, info: Info, ids: list[strawberry.ID] | None = None
    ) -> MarkNotificationsReadPayload | None:
        account_id = info.context.require_viewer().account_id
        chosen = [parse_id(i, "ids") for i in ids] if ids is not None else None
        unread = await mark_read(account_id, chosen)
        return MarkNotificationsReadPayload(unread_count=unread, user_errors=[])
