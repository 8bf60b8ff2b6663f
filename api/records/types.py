"""The Patient type: one field per section of the record.

Every field but ``id`` (which the caller already gave) answers through the policy with the
section it belongs to: the name is part of identity.
"""

from __future__ import annotations

import asyncio
from datetime import date

import strawberry

from api.consent.permissions import facts_for, section_field
from api.consent.policy import represents
from api.consent.sections import Section
from api.graphql.context import Info
from api.identity import models
from api.identity.types import IdentityType
from api.records.agenda.types import PatientAgendaFields
from api.records.directives.types import PatientDirectivesFields
from api.records.documents.types import PatientDocumentsFields
from api.records.entries.types import PatientEntriesFields
from api.records.measurements.types import PatientMeasurementsFields


@strawberry.type(name="Patient", description="A person's health record.")
class PatientType(PatientEntriesFields, PatientMeasurementsFields, PatientDirectivesFields,
                  PatientDocumentsFields, PatientAgendaFields):
    id: strawberry.ID
    model: strawberry.Private[models.Patient]

    @section_field(Section.IDENTITY, description="First first name and used (or birth) name. "
                   "Part of the identity section: null with CONSENT_REQUIRED when the viewer's "
                   "consent does not cover identity.")
    def display_name(self) -> str | None:
        return self.model.display_name

    @section_field(Section.IDENTITY, description="Identity traits (INS) and contacts.")
    def identity(self) -> IdentityType | None:
        return IdentityType.from_model(self.model)

    @classmethod
    def from_model(cls, patient: models.Patient) -> PatientType:
        return cls(id=strawberry.ID(str(patient.id)), model=patient)


@strawberry.type(
    name="ManagedRecord",
    description="A record the signed-in person manages as a legal representative, as their "
                "own pages list it to switch records: its name and birth date come from the "
                "person's guardianship, so listing them is not an access to that record and "
                "adds nothing to its access history (reading the record itself does).")
class ManagedRecordType:
    id: strawberry.ID
    display_name: str
    birth_date: date


async def represented_records(info: Info, children: list[models.Patient]) -> list[PatientType]:
    """The records among ``children`` that the viewer represents now, by the policy's own
    rule (which ends a parent's access at 18); their rights load in one batch."""
    facts = await asyncio.gather(*(facts_for(info.context, child) for child in children))
    return [PatientType.from_model(child)
            for child, (viewer, rights) in zip(children, facts, strict=True)
            if represents(viewer, rights)]



async def managed_records(info: Info, children: list[models.Patient]) -> list[ManagedRecordType]:
    """The records among ``children`` the viewer represents now (the policy's rule, as for
    `represented_records`), named for the viewer's own navigation; no access is noted."""
    facts = await asyncio.gather(*(facts_for(info.context, child) for child in children))
    return [ManagedRecordType(id=strawberry.ID(str(child.id)),
                              display_name=child.display_name, birth_date=child.birth_date)
            for child, (viewer, rights) in zip(children, facts, strict=True)
            if represents(viewer, rights)]
