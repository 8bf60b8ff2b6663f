"""Adding, changing and removing entries, each checked with the policy first.

An entry is written only when its values pass validation: on any problem nothing changes.
Each write commits together with its event in the access history (``audited_transaction``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Generic, TypeVar

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import authorized_item, authorized_patient
from api.consent.policy import ItemFacts
from api.consent.sections import Action, Section
from api.graphql.common import Problem
from api.graphql.context import Info
from api.identity.models import Patient
from api.records.entries import validation
from api.records.entries.loaders import visible_entries
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.validation import Values
from api.records.provenance import stamp_created, stamp_updated
from api.sync.idempotency import Claim, store_key
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from api.sync.sources import FeedSource, register_feed_source

M = TypeVar("M", HistoryEntry, Allergy, Treatment, Vaccination)


def _merge(current: Values, changes: Values) -> Values:
    return {**current, **changes}


def _merge_history(current: Values, changes: Values) -> Values:
    merged = _merge_dated(current, changes, "onset_date", "onset_precision")
    # A new end date without an explicit status: the status follows the dates again.
    if "resolution_date" in changes and "status" not in changes:
        merged["status"] = None
    return merged


def _merge_dated(current: Values, changes: Values, name: str, precision: str) -> Values:
    merged = {**current, **changes}
    # A new date given without its precision is a full date, whatever the old one was.
    if name in changes and precision not in changes:
        merged[precision] = None
    return merged


def _merge_vaccination(current: Values, changes: Values) -> Values:
    return _merge_dated(current, changes, "date", "date_precision")


@dataclass(frozen=True)
class Writable(Generic[M]):
    model: type[M]
    section: Section
    fields: tuple[str, ...]
    clean: Callable[[Values, date | None], tuple[Values, list[Problem]]]
    merge: Callable[[Values, Values], Values] = _merge


HISTORY = Writable(
    HistoryEntry, Section.HISTORY,
    ("kind", "code", "text", "onset_date", "onset_precision", "resolution_date", "status",
     "relative", "note", "confidential_for_minor"),
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
    ("vaccine_code", "date", "date_precision", "lot_number", "performer", "dose_number", "note",
     "confidential_for_minor"),
    validation.clean_vaccination, _merge_vaccination,
)


# The change feed admits the entries these sections' lists show (api/sync/sources.py).
for _spec in (HISTORY, ALLERGIES, TREATMENTS, VACCINATIONS):
    register_feed_source(FeedSource(_spec.section, _spec.model,
                                    partial(visible_entries, section=_spec.section)))


def item_facts(entry: Any) -> ItemFacts:
    return ItemFacts(author_account_id=entry.created_by_id,
                     confidential_for_minor=entry.confidential_for_minor)


async def entry_to(info: Info, spec: Writable[M], raw_id: Any, action: Action) -> M:
    """The entry, once the policy lets the viewer do `action` on it; NOT_FOUND otherwise."""
    return await authorized_item(info, spec.model, raw_id, spec.section, action, item_facts)


async def _journal(connection: Any, spec: Writable[M], entry: M, kind: ChangeKind) -> None:
    await record_change(connection, patient_id=entry.patient_id, section=spec.section,
                        item_id=entry.id, kind=kind, facts=item_facts(entry))


async def add(info: Info, spec: Writable[M], raw_patient_id: Any,
              values: Values, claim: Claim | None = None) -> tuple[M | None, list[Problem]]:
    """Add an entry; with a `claim`, its idempotency key is stored with it (or KeyTaken)."""
    patient = await authorized_patient(info, raw_patient_id, spec.section, Action.WRITE)
    cleaned, problems = spec.clean({name: values.get(name) for name in spec.fields},
                                   patient.birth_date)
    if problems:
        discard_writes(info.context)
        return None, problems
    author = info.context.require_viewer().account_id
    async with audited_transaction(info.context) as connection:
        entry = await insert(connection, spec, patient.id, cleaned, author)
        await store_key(claim, connection, spec.model.__name__, entry.id)
    return entry, []


async def insert(connection: Any, spec: Writable[M], patient_id: int, cleaned: Values,
                 author_account_id: int, marks: Values | None = None) -> M:
    """Write an entry whose values passed `spec.clean`, in the caller's transaction, after the
    caller asked the policy; `marks`: api.records.provenance.import_marks for an import."""
    entry = await spec.model.create(
        **stamp_created({**cleaned, **(marks or {}), "patient_id": patient_id},
                        author_account_id), using_db=connection)
    await _journal(connection, spec, entry, ChangeKind.CREATED)
    return entry


async def update(info: Info, spec: Writable[M], raw_id: Any,
                 changes: Values) -> tuple[M | None, list[Problem]]:
    entry = await entry_to(info, spec, raw_id, Action.WRITE)
    current = {name: getattr(entry, name) for name in spec.fields}
    patient = await Patient.get(id=entry.patient_id).only("id", "birth_date")
    cleaned, problems = spec.clean(spec.merge(current, changes), patient.birth_date)
    if problems:
        discard_writes(info.context)
        return None, problems
    for name in spec.fields:
        setattr(entry, name, cleaned[name])
    stamped: list[str] = stamp_updated(entry, info.context.require_viewer().account_id)
    async with audited_transaction(info.context) as connection:
        await entry.save(update_fields=[*spec.fields, *stamped], using_db=connection)
        await _journal(connection, spec, entry, ChangeKind.UPDATED)
    return entry, []


async def remove(info: Info, spec: Writable[M], raw_id: Any) -> int:
    entry = await entry_to(info, spec, raw_id, Action.WRITE)
    async with audited_transaction(info.context) as connection:
        await entry.delete(using_db=connection)
        await _journal(connection, spec, entry, ChangeKind.DELETED)
    return entry.id
