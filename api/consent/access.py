"""Finding what a request is about, then asking the policy: one way for every domain.

Anything missing is NOT_FOUND with the same words as a refusal that must not reveal the
record exists (``api.consent.permissions.refuse``): a client cannot tell the two apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from tortoise.models import Model

from api.consent.permissions import OUT_OF_REACH, authorize
from api.consent.policy import ItemFacts
from api.consent.sections import Action, Section
from api.graphql.common import parse_id
from api.graphql.context import Context, Info
from api.graphql.errors import NotFound
from api.identity.models import Patient

__all__ = ["OUT_OF_REACH", "authorized_item", "authorized_patient", "patient_by_id"]
M = TypeVar("M", bound=Model)


class PatientByIdLoader(DataLoader[int, Patient | None]):
    """Patients by id, once per request: a page's operations (the record's frame, its
    overview, the switcher) all name the same record."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, ids: Sequence[int]) -> list[Patient | None]:
        found = {patient.id: patient for patient in await Patient.filter(id__in=list(ids))}
        return [found.get(patient_id) for patient_id in ids]


async def patient_by_id(raw_id: strawberry.ID | str | int, what: str = "patientId",
                        *, context: Context | None = None) -> Patient:
    """The patient with this id, or NOT_FOUND (a malformed id is BAD_ID); through the
    request's loaders when ``context`` is given."""
    patient_id = parse_id(raw_id, what)
    if context is None:
        patient = await Patient.get_or_none(id=patient_id)
    else:
        patient = await context.loaders.get(PatientByIdLoader).load(patient_id)
    if patient is None:
        raise NotFound(OUT_OF_REACH)
    return patient


async def authorized_patient(info: Info, raw_id: strawberry.ID | str | int, section: Section,
                             action: Action, what: str = "patientId") -> Patient:
    """The patient, once the policy lets the viewer do `action` on `section` of the record."""
    patient = await patient_by_id(raw_id, what, context=info.context)
    await authorize(info, patient, section, action)
    return patient


async def authorized_item(
    info: Info,
    model: type[M],
    raw_id: strawberry.ID | str | int,
    section: Section,
    action: Action,
    facts: Callable[[Any], ItemFacts],
    what: str = "id",
) -> M:
    """The row of `model` (its patient loaded with it), once the policy lets the viewer do
    `action` on it; `facts` tells the policy what it needs to know about the row."""
    item = await model.filter(id=parse_id(raw_id, what)).select_related("patient").first()
    if item is None:
        raise NotFound(OUT_OF_REACH)
    patient: Patient = item.patient  # type: ignore[attr-defined]
    await authorize(info, patient, section, action, item=facts(item))
    return item
