"""One entry by id (e.g. to fill an edit form), if the policy lets the viewer read it."""

from __future__ import annotations

from typing import Any

import strawberry

from api.consent.sections import Action
from api.graphql.context import Info
from api.records.entries import services
from api.records.entries.types import (
    AllergyType,
    HistoryEntryType,
    TreatmentType,
    VaccinationType,
)


async def _readable(info: Info, spec: services.Writable[Any], raw_id: strawberry.ID) -> Any:
    return await services.entry_to(info, spec, raw_id, Action.READ)


@strawberry.type
class EntriesQuery:
    @strawberry.field(description="One history entry; NOT_FOUND when out of reach.")
    async def history_entry(self, info: Info, id: strawberry.ID) -> HistoryEntryType | None:
        return HistoryEntryType.from_model(await _readable(info, services.HISTORY, id))

    @strawberry.field(description="One allergy; NOT_FOUND when out of reach.")
    async def allergy(self, info: Info, id: strawberry.ID) -> AllergyType | None:
        return AllergyType.from_model(await _readable(info, services.ALLERGIES, id))

    @strawberry.field(description="One treatment; NOT_FOUND when out of reach.")
    async def treatment(self, info: Info, id: strawberry.ID) -> TreatmentType | None:
        return TreatmentType.from_model(await _readable(info, services.TREATMENTS, id))

    @strawberry.field(description="One vaccination; NOT_FOUND when out of reach.")
    async def vaccination(self, info: Info, id: strawberry.ID) -> VaccinationType | None:
        return VaccinationType.from_model(await _readable(info, services.VACCINATIONS, id))
