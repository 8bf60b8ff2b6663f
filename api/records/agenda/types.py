"""The agenda as a field of the Patient type, read with the vaccinations section: whoever may
read a record's vaccinations sees what is done and what is due. Its dates follow from the
birth date, so the identity section must be readable too (else the agenda would tell a
professional without it how old the patient is)."""

from __future__ import annotations

from datetime import date

import strawberry

from api import clock
from api.consent.permissions import authorize, section_field
from api.consent.sections import Action, Section
from api.dates import PartialDate
from api.graphql.context import Info
from api.identity.models import Patient
from api.records.agenda.compute import Dose, Item, Kind, Status, agenda
from api.records.entries.loaders import sees_confidential_entries
from api.records.entries.models import Vaccination
from api.records.entries.types import VaccinationType

strawberry.enum(Status, name="AgendaStatus",
                description="DONE (a recorded vaccination counts for it), DUE (now), OVERDUE "
                            "(past the recommended age), UPCOMING (later).")
strawberry.enum(Kind, name="AgendaKind",
                description="A vaccination of the calendar, or a compulsory child check-up "
                            "(not recorded in Carnet: never DONE).")


@strawberry.type(name="AgendaItem", description="A vaccination or a check-up of the agenda.")
class AgendaItemType:
    key: str = strawberry.field(
        description="Stable: the calendar line (with the season's year for a seasonal vaccine).")
    kind: Kind
    label: str = strawberry.field(description="In the viewer's language.")
    status: Status
    due_from: date = strawberry.field(description="The recommended day (the age reached).")
    due_by: date | None = strawberry.field(
        description="The last day before it is late (a check-up's last day); null: never late.")
    vaccination: VaccinationType | None = strawberry.field(
        description="The recorded vaccination that counts for it, when DONE.")


@strawberry.type(name="Agenda", description="The French vaccination calendar (2025 edition) "
                 "and the compulsory child check-ups, from the birth date and the vaccinations "
                 "recorded; upcoming items up to ten years ahead.")
class AgendaType:
    as_of: date = strawberry.field(description="The day it was worked out for (in France).")
    items: list[AgendaItemType] = strawberry.field(description="By date.")


def _item(item: Item, rows: dict[int, Vaccination], language: str) -> AgendaItemType:
    return AgendaItemType(
        key=item.key, kind=item.kind, label=item.label(language), status=item.status,
        due_from=item.due_from, due_by=item.due_by,
        vaccination=VaccinationType.from_model(rows[item.dose.id]) if item.dose else None)


@strawberry.type
class PatientAgendaFields:
    """The agenda as a field of the Patient type (which inherits this class)."""

    model: strawberry.Private[Patient]

    @section_field(Section.VACCINATIONS, description="The vaccination calendar and the child "
                   "check-ups: what is done, due, overdue and upcoming. Part of the "
                   "vaccinations section; needs the identity section too (its dates "
                   "follow from the birth date).")
    async def agenda(self, info: Info) -> AgendaType | None:
        await authorize(info, self.model, Section.IDENTITY, Action.READ)
        query = Vaccination.filter(patient_id=self.model.id)
        if not await sees_confidential_entries(info, self.model, Section.VACCINATIONS):
            query = query.filter(confidential_for_minor=False)
        rows = {row.id: row for row in await query}
        doses = []
        for row in rows.values():
            period = PartialDate.of(row.date, row.date_precision)
            doses.append(Dose(row.id, row.vaccine_code, period.first, period.last))
        today = clock.today()
        items = agenda(self.model.birth_date, doses, today)
        return AgendaType(as_of=today, items=[_item(item, rows, info.context.language)
                                              for item in items])
