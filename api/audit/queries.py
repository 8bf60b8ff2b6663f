"""`accessHistory`: the patient (or their legal representative) sees who accessed the record."""
# strawberry.field is untyped for mypy: keep the resolver typed anyway.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from typing import Annotated

import strawberry

from api.audit.models import AccessEvent
from api.audit.types import AccessBasis, AccessEventType
from api.consent.access import patient_by_id
from api.consent.permissions import authorize
from api.consent.policy import may_manage_consent
from api.consent.sections import Action, Basis, Section
from api.graphql.common import (
    Page,
    decode_number_cursor,
    encode_cursor,
    page_of,
    page_size,
    parse_id,
)
from api.graphql.context import Info
from api.identity.models import Patient


async def _patient_whose_history_viewer_reads(info: Info, patient_id: int) -> Patient:
    """The patient, if the policy says the viewer manages this record; else a refusal.

    The history is read by whoever manages the record's consent (the patient, a parent of a
    minor, an app they allowed to manage it): professionals never read it. Reading who
    accessed the record adds nothing to the history (``noted=False``).
    """
    info.context.require_viewer()
    patient = await patient_by_id(patient_id, context=info.context)
    await authorize(info, patient, Section.IDENTITY, Action.READ, question=may_manage_consent,
                    noted=False)
    return patient


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Who read or changed the record, newest first. Only the "
                      "patient and their legal representatives may ask.")
    async def access_history(
        self,
        info: Info,
        patient_id: strawberry.ID,
        professional_id: strawberry.ID | None = None,
        basis: AccessBasis | None = None,
        first: int | None = None,
        after: str | None = None,
        others_only: Annotated[bool, strawberry.argument(
            description="Leave out the viewer's own reads and changes: what a parent sees of "
            "the others who opened a child's record.")] = False,
    ) -> Page[AccessEventType]:
        size = page_size(first)
        before = decode_number_cursor(after)
        patient = await _patient_whose_history_viewer_reads(info, parse_id(patient_id, "patientId"))
        query = AccessEvent.filter(patient_id=patient.id)
        if professional_id is not None:
            query = query.filter(
                viewer_professional_id=parse_id(professional_id, "professionalId")
            )
        if basis is not None:
            query = query.filter(basis=Basis(basis.value))
        if others_only:
            query = query.exclude(viewer_account_id=info.context.require_viewer().account_id)
        total = await query.count()
        if before is not None:
            query = query.filter(sequence__lt=before)
        rows = await query.order_by("-sequence").limit(size + 1)
        return page_of([AccessEventType.from_model(row) for row in rows], size, total,
                       lambda event: encode_cursor(event.sequence))
