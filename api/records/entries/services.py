"""Adding, changing and removing entries, each checked with the policy first.

An entry is written only when its values pass validation: on any problem nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from api.consent.policy import ItemFacts
from api.consent.sections import Action, Section
from api.graphql.common import parse_id
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.graphql.permissions import authorize
from api.identity.models import Patient
from api.records.entries import validation
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.validation import Problem, Values
from api.records.provenance import stamp_created, stamp_updated

M = TypeVar("M", HistoryEntry, Allergy, Treatment, Vaccination)
OUT_OF_REACH = "No such patient or item, or it is out of your reach."


def _merge(current: Values, changes: Values) -> Values:
    return {**current, **changes}


def _merge_history(current: Values, changes: Values) -> Values:
    merged = {**current, **changes}
    # A new end date without an explicit status: the status follows the dates again.
    if "resolution_date" in changes and "status" not in changes:
        merged["status"] = None
    return merged


@dataclass(frozen=True)
class Writable(Generic[M]):
    model: type[M]
    section: Section
    fields: tuple[str, ...]
    clean: Callable[[Values], tuple[Values, list[Problem]]]
    merge: Callable[[Values, Values], Values] = _merge


HISTORY = Writable(
    HistoryEntry, Section.HISTORY,
    ("kind", "code", "text", "onset_date", "resolution_date", "status", "relative", "note",
     "confidential_for_minor"),
    validation.clean_history, _merge_history,
)
ALLERGIES = Writable(
    Allergy, Section.ALLERGIES,
    ("substance", "reaction", "severity", "criticality", "onset_date", "note",
     "confidential_for_minor"),
    validation.clean_allergy,
)
TREATMENTS = Writable(
    Treatment, Section.TREATMENTS,
    ("medication", "dose", "route", "start_date", "end_date", "prescriber", "note",
     "confidential_for_minor"),
    validation.clean_treatment,
)
VACCINATIONS = Writable(
    Vaccination, Section.VACCINATIONS,
    ("vaccine_code", "date", "lot_number", "performer", "dose_number", "note",
     "confidential_for_minor"),
    validation.clean_vaccination,
)


def item_facts(entry: Any) -> ItemFacts:
    return ItemFacts(author_account_id=entry.created_by_id,
                     confidential_for_minor=entry.confidential_for_minor)


async def patient_to_write(info: Info, raw_id: Any, section: Section) -> Patient:
    patient = await Patient.get_or_none(id=parse_id(raw_id, "patientId"))
    if patient is None:
        raise NotFound(OUT_OF_REACH)
    await authorize(info, patient, section, Action.WRITE)
    return patient


async def entry_to_write(info: Info, spec: Writable[M], raw_id: Any) -> M:
    entry = await spec.model.get_or_none(id=parse_id(raw_id)).select_related("patient")
    if entry is None:
        raise NotFound(OUT_OF_REACH)
    await authorize(info, entry.patient, spec.section, Action.WRITE, item=item_facts(entry))
    return entry


async def add(info: Info, spec: Writable[M], raw_patient_id: Any,
              values: Values) -> tuple[M | None, list[Problem]]:
    patient = await patient_to_write(info, raw_patient_id, spec.section)
    cleaned, problems = spec.clean({name: values.get(name) for name in spec.fields})
    if problems:
        return None, problems
    author = info.context.require_viewer().account_id
    entry = await spec.model.create(**stamp_created({**cleaned, "patient_id": patient.id}, author))
    return entry, []


async def update(info: Info, spec: Writable[M], raw_id: Any,
                 changes: Values) -> tuple[M | None, list[Problem]]:
    entry = await entry_to_write(info, spec, raw_id)
    current = {name: getattr(entry, name) for name in spec.fields}
    cleaned, problems = spec.clean(spec.merge(current, changes))
    if problems:
        return None, problems
    for name in spec.fields:
        setattr(entry, name, cleaned[name])
    stamped: list[str] = stamp_updated(entry, info.context.require_viewer().account_id)
    await entry.save(update_fields=[*spec.fields, *stamped])
    return entry, []


async def remove(info: Info, spec: Writable[M], raw_id: Any) -> int:
    entry = await entry_to_write(info, spec, raw_id)
    await entry.delete()
    return entry.id
