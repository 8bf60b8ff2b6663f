"""GraphQL types of the directives section, and its field on the Patient type."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from api import clock
from api.consent.permissions import section_field
from api.consent.policy import Statement, open_statements
from api.consent.sections import Section
from api.graphql.context import Info
from api.records.directives.links import readable_document_id
from api.records.directives.loaders import directives_loader
from api.records.directives.models import Directives
from api.records.provenance import Author, Provenance, author_loader

if TYPE_CHECKING:
    from api.identity.models import Patient


@strawberry.enum(name="OrganDonation", description="The person's stance on giving organs "
                 "after death.")
class OrganDonationType(Enum):
    NOT_STATED = strawberry.enum_value(
        "not_stated", description="Nothing said (French law then presumes consent).")
    CONSENTS = strawberry.enum_value("consents", description="Consents to donation.")
    REFUSES = strawberry.enum_value(
        "refuses", description="Refuses, as registered in the national refusal register "
        "(registre national des refus).")
    LIMITED = strawberry.enum_value(
        "limited", description="Consents within limits written in `organDonationLimits`.")


@strawberry.type(description="The person to be consulted when the patient cannot express "
                             "their wishes.")
class TrustedPerson:
    name: str
    relation: str | None = strawberry.field(description="e.g. spouse, daughter, friend.")
    phone: str | None = strawberry.field(description="Digits only; a leading + when "
                                                     "international.")
    email: str | None


@strawberry.type(name="Directives", description="Advance directives, trusted person and "
                 "organ-donation stance.")
class DirectivesType:
    advance_directives: str = strawberry.field(description="The patient's written wishes "
                                                           "(may be empty).")
    document_id: strawberry.ID | None = strawberry.field(
        description="A document of the record holding the signed directives; null when "
                    "the viewer may not see that document.")
    trusted_person: TrustedPerson | None
    organ_donation: OrganDonationType
    organ_donation_limits: str | None = strawberry.field(description="Only with LIMITED.")
    last_confirmed_at: datetime | None = strawberry.field(
        description="When they were last confirmed as still true.")
    last_confirmed_by_id: strawberry.Private[int | None]
    provenance: Provenance

    @strawberry.field(description="Who last confirmed them.")
    async def last_confirmed_by(self, info: Info) -> Author | None:
        if self.last_confirmed_by_id is None:
            return None
        return await author_loader(info.context).load(self.last_confirmed_by_id)

    @classmethod
    def from_model(cls, row: Directives, document_id: int | None) -> DirectivesType:
        """``document_id``: the link as this viewer may see it (``links.readable_document_id``)."""
        trusted = None
        if row.trusted_person_name:
            trusted = TrustedPerson(name=row.trusted_person_name,
                                    relation=row.trusted_person_relation,
                                    phone=row.trusted_person_phone,
                                    email=row.trusted_person_email)
        return cls(
            advance_directives=row.advance_directives,
            document_id=None if document_id is None else strawberry.ID(str(document_id)),
            trusted_person=trusted,
            organ_donation=OrganDonationType(row.organ_donation.value),
            organ_donation_limits=row.organ_donation_limits,
            last_confirmed_at=row.last_confirmed_at,
            last_confirmed_by_id=row.last_confirmed_by_id,  # type: ignore[attr-defined]
            provenance=Provenance.of(row),
        )


@strawberry.type(name="DirectivesOffered", description="What this record may hold, by the "
                 "person's age under French law: advance directives and a trusted person "
                 "from 18, an organ-donation stance from 13.")
class DirectivesOfferedType:
    advance_directives: bool
    trusted_person: bool
    organ_donation: bool


@strawberry.type
class PatientDirectivesFields:
    """The directives section on the Patient type (a base class of PatientType)."""

    if TYPE_CHECKING:
        model: Patient

    @section_field(Section.DIRECTIVES, description="Advance directives, trusted person and "
                   "organ-donation stance; null when nothing is recorded.")
    async def directives(self, info: Info) -> DirectivesType | None:
        row = await directives_loader(info.context).load(self.model.id)
        if row is None:
            return None
        shown = await readable_document_id(info, self.model, row.document_id)
        return DirectivesType.from_model(row, shown)

    @section_field(Section.DIRECTIVES, description="Which parts of the directives this "
                   "record may hold today, by the person's age; saving one it may not hold "
                   "is refused with TOO_YOUNG.")
    def directives_offered(self) -> DirectivesOfferedType:
        allowed = open_statements(self.model.birth_date, clock.today())
        return DirectivesOfferedType(
            advance_directives=Statement.ADVANCE_DIRECTIVES in allowed,
            trusted_person=Statement.TRUSTED_PERSON in allowed,
            organ_donation=Statement.ORGAN_DONATION in allowed)
