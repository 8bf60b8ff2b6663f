"""GraphQL types of the access history."""
# strawberry.field is untyped for mypy: keep the resolver typed anyway.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.audit.models import AccessEvent, RequestKind
from api.audit.references import ReferencedTextLoader, parse_reference
from api.consent import permissions  # noqa: F401 - registers Section and Action as GraphQL enums
from api.consent.sections import Action, Section
from api.graphql.context import Info


@strawberry.enum(name="AccessBasis", description="Why someone other than the patient could see "
                 "or change the record; OWNER for the patient's own account steps (closing, "
                 "reopening).")
class AccessBasis(Enum):
    OWNER = "owner"
    REPRESENTATIVE = "representative"
    GRANT = "grant"
    TREATING_DOCTOR = "treating_doctor"
    EMERGENCY = "emergency"
    DEPOSIT = "deposit"
    APP = "app"
    CONVERSATION = "conversation"
    OPERATOR = "operator"


AccessRequestKind = strawberry.enum(RequestKind, name="AccessRequestKind",
                                    description="How the record was reached.")


@strawberry.type(name="AccessEvent",
                 description="One visit to the record by someone other than the patient.")
class AccessEventType:
    id: strawberry.ID
    occurred_at: datetime
    viewer_name: str = strawberry.field(description="As it was when the access happened.")
    viewer_profession: str | None = strawberry.field(
        description="The profession code (e.g. nurse) for a professional, else null."
    )
    professional_id: strawberry.ID | None
    basis: AccessBasis
    sections: list[Section]
    actions: list[Action]
    emergency: bool = strawberry.field(description="An emergency (break-glass) access.")
    request_kind: RequestKind
    sequence: strawberry.Private[int]
    patient_id: strawberry.Private[int]
    stored_detail: strawberry.Private[str]

    @strawberry.field(
        description="A note for some events: the subject of the conversation whose messages "
        "were read (MESSAGES), the reason given for an emergency access, the app's name for "
        "an access by an app (basis APP). Null when the conversation or the emergency access "
        "was deleted since."
    )
    async def detail(self, info: Info) -> str | None:
        found = parse_reference(self.request_kind.value, self.stored_detail)
        if found is None:  # an app's name, or an event written before references
            return self.stored_detail or None
        kind, row_id = found
        return await info.context.loaders.get(ReferencedTextLoader).load(
            (self.patient_id, kind, row_id))

    @classmethod
    def from_model(cls, row: AccessEvent) -> AccessEventType:
        professional = row.viewer_professional_id
        return cls(
            id=strawberry.ID(str(row.id)),
            occurred_at=row.occurred_at,
            viewer_name=row.viewer_name,
            viewer_profession=row.viewer_profession or None,
            professional_id=strawberry.ID(str(professional)) if professional else None,
            basis=AccessBasis(row.basis.value),
            sections=[Section(s) for s in row.sections.split(",") if s],
            actions=[Action(a) for a in row.actions.split(",") if a],
            emergency=row.emergency,
            request_kind=RequestKind(row.request_kind),
            sequence=row.sequence,
            patient_id=row.patient_id,
            stored_detail=row.detail,
        )
