"""GraphQL types of consent: grants, the treating doctor, blocks, break-glass, notifications."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from api.consent import models
from api.consent.matrix import MATRIX
from api.consent.notifications import notification_text
from api.consent.permissions import SectionEnum
from api.consent.rights import grant_facts
from api.consent.sections import Action, Profession, Section
from api.graphql.common import UserError
from api.identity.models import Professional
from api.identity.types import ProfessionalType
from api.records.types import PatientType

ProfessionEnum = strawberry.enum(Profession, name="Profession",
                                 description="A health profession known to the access matrix.")
NotificationKindEnum = strawberry.enum(models.NotificationKind, name="NotificationKind")


@strawberry.enum(name="GrantStatus")
class GrantStatus(Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


GrantEndReasonEnum = strawberry.enum(
    models.GrantEndReason, name="GrantEndReason",
    description="Why a grant ended before its expiry: REVOKED when it was withdrawn, BLOCKED "
                "when the patient blocked the professional (which ends every grant).")


def _ordered(sections: frozenset[Section]) -> list[Section]:
    return [s for s in Section if s in sections]


@strawberry.type(name="Grant", description="Access the patient gave a professional.")
class GrantType:
    id: strawberry.ID
    professional: ProfessionalType
    sections: list[SectionEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The sections the professional may read.")
    write: bool = strawberry.field(description="Whether the patient also allowed changes.")
    writable_sections: list[SectionEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The sections the professional may change: none without `write`, and "
                    "never more than their profession may ever change.")
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: GrantStatus
    revoked_reason: GrantEndReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it was revoked; null unless REVOKED.")

    @classmethod
    def from_model(cls, grant: models.Grant, now: datetime) -> GrantType:
        professional: Professional = grant.professional
        sections = models.decode_sections(grant.sections)
        row = MATRIX.rights(Profession(professional.profession))
        writable = frozenset(s for s in sections if row.allows(s, Action.WRITE)) if grant.write \
            else frozenset()
        reason = None
        facts = grant_facts(grant)  # the policy's reading of the grant
        if facts.was_revoked():
            status = GrantStatus.REVOKED
            reason = grant.revoked_reason or models.GrantEndReason.REVOKED
        else:
            status = GrantStatus.ACTIVE if facts.live_at(now) else GrantStatus.EXPIRED
        return cls(
            id=strawberry.ID(str(grant.id)),
            professional=ProfessionalType.from_model(professional),
            sections=_ordered(sections), write=grant.write, writable_sections=_ordered(writable),
            created_at=grant.created_at, expires_at=grant.expires_at,
            revoked_at=grant.revoked_at, status=status, revoked_reason=reason,
        )


@strawberry.type(name="TreatingDoctor",
                 description="The patient's treating doctor: reads every section, hidden "
                             "documents included.")
class TreatingDoctorType:
    professional: ProfessionalType
    designated_at: datetime

    @classmethod
    def from_model(cls, designation: models.TreatingDoctor) -> TreatingDoctorType:
        return cls(professional=ProfessionalType.from_model(designation.professional),
                   designated_at=designation.designated_at)


@strawberry.type(name="BlockedProfessional",
                 description="A professional the patient blocked: they cannot find the record.")
class BlockedProfessionalType:
    professional: ProfessionalType
    blocked_at: datetime

    @classmethod
    def from_model(cls, block: models.Block) -> BlockedProfessionalType:
        return cls(professional=ProfessionalType.from_model(block.professional),
                   blocked_at=block.created_at)


@strawberry.type(name="EmergencyAccess",
                 description="Break-glass: read-only access opened in an emergency.")
class EmergencyAccessType:
    id: strawberry.ID
    professional: ProfessionalType
    reason: str
    opened_at: datetime
    expires_at: datetime
    open: bool = strawberry.field(description="Whether the access is still open now.")

    @classmethod
    def from_model(cls, access: models.EmergencyAccess, now: datetime) -> EmergencyAccessType:
        return cls(
            id=strawberry.ID(str(access.id)),
            professional=ProfessionalType.from_model(access.professional),
            reason=access.reason, opened_at=access.opened_at, expires_at=access.expires_at,
            open=access.opened_at <= now < access.expires_at,
        )


@strawberry.type(name="Notification", description="Something the viewer should know.")
class NotificationType:
    id: strawberry.ID
    kind: NotificationKindEnum  # type: ignore[valid-type]
    patient_id: strawberry.ID = strawberry.field(description="The record it is about.")
    message: str = strawberry.field(description="In the viewer's language.")
    data: JSON = strawberry.field(description="The facts behind the message.")
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def from_model(cls, notification: models.Notification, language: str) -> NotificationType:
        return cls(
            id=strawberry.ID(str(notification.id)), kind=notification.kind,
            patient_id=strawberry.ID(str(notification.patient_id)),
            message=notification_text(notification, language),
            data=JSON(notification.content()),
            created_at=notification.created_at, read_at=notification.read_at,
        )


@strawberry.type
class GrantPayload:
    grant: GrantType | None
    user_errors: list[UserError]


@strawberry.type
class TreatingDoctorPayload:
    treating_doctor: TreatingDoctorType | None
    user_errors: list[UserError]


@strawberry.type
class BlockPayload:
    blocked_professional: BlockedProfessionalType | None
    user_errors: list[UserError]


@strawberry.type(description="A change that returns nothing but whether it was made.")
class ConsentChangePayload:
    done: bool
    user_errors: list[UserError]


@strawberry.type
class EmergencyOppositionPayload:
    emergency_access_opposed: bool
    user_errors: list[UserError]


@strawberry.type
class HideDocumentPayload:
    document_id: strawberry.ID
    hidden_from_professionals: bool
    user_errors: list[UserError]


@strawberry.type
class EmergencyAccessPayload:
    emergency_access: EmergencyAccessType | None
    patient: PatientType | None = strawberry.field(
        description="The record, readable for the next 4 hours.")
    user_errors: list[UserError]


@strawberry.type
class MarkNotificationsReadPayload:
    unread_count: int
    user_errors: list[UserError]


@strawberry.type(name="PatientLookup", description="What a lookup by INS and birth date "
                 "gives a professional.")
class PatientLookupType:
    handle: strawberry.ID = strawberry.field(
        description="Opaque, for this professional only, valid one hour: names the patient "
                    "to deposit a document for them. Not the record's id.")
    patient: PatientType | None = strawberry.field(
        description="The record, when the viewer has a relation to it (a grant, the "
                    "treating-doctor designation, an emergency access, even an ended one); "
                    "null otherwise. Each field, the name included, answers by the "
                    "patient's consent.")

