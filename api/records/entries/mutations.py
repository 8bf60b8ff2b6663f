"""Mutations of the history, allergies, treatments and vaccinations sections.

Each one asks the policy (write access to the section, and to the item when it exists);
a patient or entry out of reach is NOT_FOUND, invalid values come back as `userErrors`.
"""

from __future__ import annotations

from typing import Any

import strawberry

from api.consent.sections import Action
from api.graphql.common import Problem
from api.graphql.context import Info
from api.records.entries import services
from api.records.entries.inputs import (
    AddAllergyInput,
    AddHistoryEntryInput,
    AddTreatmentInput,
    AddVaccinationInput,
    AllergyPayload,
    HistoryEntryPayload,
    RemoveEntryPayload,
    TreatmentPayload,
    UpdateAllergyInput,
    UpdateHistoryEntryInput,
    UpdateTreatmentInput,
    UpdateVaccinationInput,
    VaccinationPayload,
    given,
)
from api.records.entries.messages import user_errors
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.types import AllergyType, HistoryEntryType, TreatmentType, VaccinationType
from api.sync.idempotency import Claim, IdempotencyKeyArgument, claim_for, once


def _history(info: Info, entry: HistoryEntry | None,
             problems: list[Problem]) -> HistoryEntryPayload:
    return HistoryEntryPayload(
        history_entry=HistoryEntryType.from_model(entry) if entry else None,
        user_errors=user_errors(problems, info.context.language))


def _allergy(info: Info, entry: Allergy | None, problems: list[Problem]) -> AllergyPayload:
    return AllergyPayload(allergy=AllergyType.from_model(entry) if entry else None,
                          user_errors=user_errors(problems, info.context.language))


def _treatment(info: Info, entry: Treatment | None, problems: list[Problem]) -> TreatmentPayload:
    return TreatmentPayload(treatment=TreatmentType.from_model(entry) if entry else None,
                            user_errors=user_errors(problems, info.context.language))


def _vaccination(info: Info, entry: Vaccination | None,
                 problems: list[Problem]) -> VaccinationPayload:
    return VaccinationPayload(vaccination=VaccinationType.from_model(entry) if entry else None,
                              user_errors=user_errors(problems, info.context.language))


async def _add(info: Info, spec: services.Writable[Any], input: Any, key: str | None,
               operation: str) -> tuple[Any, list[Problem]]:
    """Add an entry once per idempotency key: a retry gets the entry the first one added."""
    values = given(input)
    claim = claim_for(info, key, operation, {"patient_id": str(input.patient_id), **values})

    async def write(claim: Claim | None) -> tuple[Any, list[Problem]]:
        return await services.add(info, spec, input.patient_id, values, claim)

    async def replay(entry_id: int) -> tuple[Any, list[Problem]]:
        return await services.entry_to(info, spec, entry_id, Action.READ), []

    return await once(info.context, claim, write, replay)


def _removed(entry_id: int) -> RemoveEntryPayload:
    return RemoveEntryPayload(removed_id=strawberry.ID(str(entry_id)), user_errors=[])


@strawberry.type
class EntriesMutation:
    @strawberry.mutation(description="Add a condition, a surgery or a family illness.")
    async def add_history_entry(self, info: Info, input: AddHistoryEntryInput,
                                idempotency_key: IdempotencyKeyArgument = None
                                ) -> HistoryEntryPayload | None:
        return _history(info, *await _add(info, services.HISTORY, input, idempotency_key,
                                          "addHistoryEntry"))

    @strawberry.mutation(description="Change a history entry; only the fields given change.")
    async def update_history_entry(self, info: Info,
                                   input: UpdateHistoryEntryInput) -> HistoryEntryPayload | None:
        return _history(info, *await services.update(info, services.HISTORY, input.id,
                                                     given(input)))

    @strawberry.mutation(description="Delete a history entry.")
    async def remove_history_entry(self, info: Info,
                                   id: strawberry.ID) -> RemoveEntryPayload | None:
        return _removed(await services.remove(info, services.HISTORY, id))

    @strawberry.mutation(description="Add an allergy or intolerance.")
    async def add_allergy(self, info: Info, input: AddAllergyInput,
                          idempotency_key: IdempotencyKeyArgument = None
                          ) -> AllergyPayload | None:
        return _allergy(info, *await _add(info, services.ALLERGIES, input, idempotency_key,
                                          "addAllergy"))

    @strawberry.mutation(description="Change an allergy; only the fields given change.")
    async def update_allergy(self, info: Info, input: UpdateAllergyInput) -> AllergyPayload | None:
        return _allergy(info, *await services.update(info, services.ALLERGIES, input.id,
                                                     given(input)))

    @strawberry.mutation(description="Delete an allergy.")
    async def remove_allergy(self, info: Info, id: strawberry.ID) -> RemoveEntryPayload | None:
        return _removed(await services.remove(info, services.ALLERGIES, id))

    @strawberry.mutation(description="Add a medication taken now or in the past.")
    async def add_treatment(self, info: Info, input: AddTreatmentInput,
                            idempotency_key: IdempotencyKeyArgument = None
                            ) -> TreatmentPayload | None:
        return _treatment(info, *await _add(info, services.TREATMENTS, input, idempotency_key,
                                            "addTreatment"))

    @strawberry.mutation(description="Change a treatment; only the fields given change.")
    async def update_treatment(self, info: Info,
                               input: UpdateTreatmentInput) -> TreatmentPayload | None:
        return _treatment(info, *await services.update(info, services.TREATMENTS, input.id,
                                                       given(input)))

    @strawberry.mutation(description="Delete a treatment.")
    async def remove_treatment(self, info: Info, id: strawberry.ID) -> RemoveEntryPayload | None:
        return _removed(await services.remove(info, services.TREATMENTS, id))

    @strawberry.mutation(description="Add a vaccination.")
    async def add_vaccination(self, info: Info, input: AddVaccinationInput,
                              idempotency_key: IdempotencyKeyArgument = None
                              ) -> VaccinationPayload | None:
        return _vaccination(info, *await _add(info, services.VACCINATIONS, input,
                                              idempotency_key, "addVaccination"))

    @strawberry.mutation(description="Change a vaccination; only the fields given change.")
    async def update_vaccination(self, info: Info,
                                 input: UpdateVaccinationInput) -> VaccinationPayload | None:
        return _vaccination(info, *await services.update(info, services.VACCINATIONS, input.id,
                                                         given(input)))

    @strawberry.mutation(description="Delete a vaccination.")
    async def remove_vaccination(self, info: Info, id: strawberry.ID) -> RemoveEntryPayload | None:
        return _removed(await services.remove(info, services.VACCINATIONS, id))
