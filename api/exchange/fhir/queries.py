"""`internationalPatientSummary(patientId)`: the IPS of a record, for whoever asks.

Each section is asked through ``authorize`` (its read is noted for the access history); a
refused one comes back withheld, and a record out of the viewer's reach is NOT_FOUND.
"""
# strawberry.field is untyped for mypy: keep the resolver typed anyway.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from typing import cast

import strawberry
from strawberry.scalars import JSON

from api.consent.access import patient_by_id
from api.consent.permissions import authorize, facts_for, reach, refuse
from api.consent.sections import Action, Section
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired, NotFound

from .export import Reader
from .ips import IPS_SECTIONS, summary_bundle


@strawberry.type
class ExchangeQuery:
    @strawberry.field(description="The International Patient Summary of the record: a FHIR "
                      "R4B document Bundle (JSON) holding only the sections the viewer may "
                      "read; the others carry emptyReason withheld, empty ones nilknown.")
    async def international_patient_summary(self, info: Info,
                                            patient_id: strawberry.ID) -> JSON:
        info.context.require_viewer()
        patient = await patient_by_id(patient_id, context=info.context)
        decision = await reach(info, patient)
        if not decision.allowed:
            raise refuse(decision, Section.IDENTITY, Action.READ)
        readable = set()
        for section in (Section.IDENTITY, *sorted(IPS_SECTIONS)):
            try:
                await authorize(info, patient, section, Action.READ)
            except (ConsentRequired, NotFound):
                continue
            readable.add(section)
        bundle = await summary_bundle(
            patient, Reader(*await facts_for(info.context, patient)), frozenset(readable))
        return cast(JSON, bundle)
