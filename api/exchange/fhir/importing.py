"""Importing a FHIR Bundle into a record: one transaction, provenance "imported", a report.

Who may import is the policy's answer: whoever manages the record (the patient, a parent:
``may_manage_consent``), then a write on each section the file adds to (``authorize``,
which notes it for the access history). Everything the file adds is written in one
transaction with its access event; on any error nothing stays, and the document bytes
stored before it are removed. What is in the record already (the same ``urn:carnet:*``
identifier imported before, or the same content) is skipped, so a second import adds nothing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api.audit.log import discard_writes, record_accesses
from api.audit.models import RequestKind
from api.consent.permissions import authorize
from api.consent.policy import may_manage_consent
from api.consent.sections import Action, Section
from api.exchange.fhir.mapping import plan_import
from api.exchange.fhir.plan import REASONS, Candidate, Plan, Reason, Skipped
from api.exchange.fhir.reading import check_same_person, read_bundle
from api.graphql.context import Context, Info
from api.graphql.errors import ConsentRequired, NotFound
from api.identity.models import Patient
from api.records.directives import services as directives
from api.records.directives.models import Directives
from api.records.documents.messages import DocumentProblems
from api.records.documents.models import Document
from api.records.documents.services import DocumentDetails, add_document
from api.records.documents.storage import Storage
from api.records.entries import services as entries
from api.records.entries.messages import user_errors as entry_errors
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.messages import user_errors as measurement_errors
from api.records.measurements.models import Measurement
from api.records.measurements.services import add_measurement, to_decimal
from api.records.provenance import import_marks
from api.texts import text

Progress = Callable[[str, int, int], None]
# The sections, in the order the report lists them.
SECTIONS = (Section.HISTORY, Section.ALLERGIES, Section.TREATMENTS, Section.VACCINATIONS,
            Section.MEASUREMENTS, Section.DOCUMENTS, Section.DIRECTIVES)
_ENTRY_SPECS: dict[str, entries.Writable[Any]] = {
    "history": entries.HISTORY, "allergy": entries.ALLERGIES, "treatment": entries.TREATMENTS,
    "vaccination": entries.VACCINATIONS}
_MODELS: dict[str, Any] = {"history": HistoryEntry, "allergy": Allergy, "treatment": Treatment,
                           "vaccination": Vaccination, "measurement": Measurement,
                           "document": Document, "directives": Directives}


@dataclass
class ImportReport:
    """What an import added, per section, and what it left out, with the reason."""

    added: Counter[Section] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def left_out(self) -> list[Skipped]:
        """What was skipped for a problem (a code, a reference, a duplicate...)."""
        return [item for item in self.skipped if not item.by_design]

    @property
    def not_imported(self) -> list[Skipped]:
        """What Carnet reads but does not import (the patient, grants, the history...)."""
        return [item for item in self.skipped if item.by_design]


@dataclass(frozen=True)
class _Asking:
    """What ``authorize`` reads of a GraphQL request: its context."""

    context: Context


def _info(context: Context) -> Info:
    return cast("Info", _Asking(context))


async def may_import(context: Context, patient: Patient) -> bool:
    """Whether the viewer may import into this record: the policy's answer (the patient, or
    a parent until the 18th birthday), asked without reading anything of the record."""
    try:
        await authorize(_info(context), patient, Section.IDENTITY, Action.WRITE,
                        question=may_manage_consent, noted=False)
    except (NotFound, ConsentRequired):
        return False
    return True


def _content_key(model: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two entries of a kind the same content (same code or words, same date)."""
    def words(value: Any) -> str:
        return " ".join(str(value or "").casefold().split())

    if model == "history":
        return (values["kind"], values.get("code") or words(values.get("text")),
                values.get("onset_date"), values.get("relative"))
    if model == "allergy":
        return (words(values["substance"]), values.get("onset_date"))
    if model == "treatment":
        return (words(values["medication"]), values.get("start_date"))
    if model == "vaccination":
        return (values["vaccine_code"], values["date"])
    raise ValueError(model)


async def _existing(patient_id: int, models: set[str]) -> set[tuple[Any, ...]]:
    """The content keys and imported identifiers already in the record, for these kinds."""
    found: set[tuple[Any, ...]] = set()
    for model in models:
        rows = _MODELS[model].filter(patient_id=patient_id)
        if model == "directives":
            if await rows.exists():
                found.add(("directives",))
            continue
        for row in await rows:
            if row.imported_as:
                found.add((model, "id", row.imported_as))
            if model == "measurement":
                found.add((model, row.kind, row.measured_at, row.value, row.value2))
            elif model == "document":
                found.add((model, row.sha256))
            else:
                spec = _ENTRY_SPECS[model]
                found.add((model, *_content_key(model, {n: getattr(row, n)
                                                         for n in spec.fields})))
    return found


def _keys(candidate: Candidate) -> list[tuple[Any, ...]]:
    """The keys by which this candidate would be in the record already."""
    keys: list[tuple[Any, ...]] = []
    if candidate.import_key:
        keys.append((candidate.model, "id", candidate.import_key))
    model, values = candidate.model, candidate.values
    if model == "directives":
        keys.append(("directives",))
    elif model == "measurement":
        assert candidate.kind is not None
        reading = values["reading"]
        keys.append((model, candidate.kind.key, reading.measured_at,
                     to_decimal(candidate.kind, reading.value),
                     None if reading.value2 is None else to_decimal(candidate.kind,
                                                                    reading.value2)))
    elif model == "document":
        keys.append((model, candidate.sha256))
    else:
        keys.append((model, *_content_key(model, values)))
    return keys


def reason_words(reason: Reason, language: str) -> str:
    """Why a resource was left out, in `language`, with the section's own words for the
    problems its rules found."""
    words = text(language, reason.message_id, **reason.params)
    if reason.problems:
        problems = list(reason.problems)
        errors = (measurement_errors(problems, language)
                  if reason.section is Section.MEASUREMENTS
                  else entry_errors(problems, language)
                  if reason.section in (Section.HISTORY, Section.ALLERGIES,
                                        Section.TREATMENTS, Section.VACCINATIONS)
                  else [])
        details = [f"{error.field}: {error.message}" if error.field else error.message
                   for error in errors] or [problem.code for problem in problems]
        words += " " + " ".join(details)
    return words


def _reason(key: str, **params: object) -> Reason:
    return Reason(REASONS[key], dict(params))


@dataclass
class _Import:
    context: Context
    patient: Patient
    storage: Storage
    language: str
    report: ImportReport = field(default_factory=ImportReport)
    stored_keys: list[str] = field(default_factory=list)

    @property
    def author(self) -> int:
        return self.context.require_viewer().account_id

    async def write(self, candidate: Candidate, connection: BaseDBAsyncClient) -> bool:
        """Add one row; False (with its reason in the report) when it cannot be added."""
        marks = import_marks(candidate.import_key)
        values = candidate.values
        if candidate.model in _ENTRY_SPECS:
            await entries.insert(connection, _ENTRY_SPECS[candidate.model], self.patient.id,
                                 values, self.author, marks)
        elif candidate.model == "measurement":
            assert candidate.kind is not None
            await add_measurement(self.patient.id, candidate.kind, values["reading"],
                                  self.author, connection, marks=marks)
        elif candidate.model == "document":
            return await self.write_document(candidate, connection, marks)
        elif candidate.model == "directives":
            result = await directives.save(self.patient.id, values, self.author, marks=marks)
            if isinstance(result, list):  # checked when read: only a race gets here
                self.skip(candidate, _reason("refused"))
                return False
        return True

    async def write_document(self, candidate: Candidate, connection: BaseDBAsyncClient,
                             marks: dict[str, Any]) -> bool:
        values = candidate.values

        async def content() -> AsyncIterator[bytes]:
            yield candidate.content

        @asynccontextmanager
        async def inside() -> AsyncIterator[BaseDBAsyncClient]:
            async with in_transaction(connection.connection_name) as savepoint:
                yield savepoint

        try:
            document = await add_document(
                self.storage, patient_id=self.patient.id, author_account_id=self.author,
                content=content(), filename=candidate.filename,
                details=DocumentDetails(values["title"], values["type_code"],
                                        values["document_date"]),
                language=self.language, transaction=inside, marks=marks)
        except DocumentProblems as problems:
            self.skip(candidate, _reason("file_refused", detail=problems.message(self.language)))
            return False
        self.stored_keys.append(document.storage_key)
        return True

    def skip(self, candidate: Candidate, reason: Reason) -> None:
        self.report.skipped.append(Skipped(candidate.entry.location, candidate.entry.label,
                                           reason))

    async def run(self, plan: Plan, progress: Progress | None) -> ImportReport:
        self.report.skipped.extend(plan.skipped)
        info = _info(self.context)
        for section in sorted({candidate.section for candidate in plan.candidates},
                              key=SECTIONS.index):
            await authorize(info, self.patient, section, Action.WRITE)
        seen = await _existing(self.patient.id, {c.model for c in plan.candidates})
        total = len(plan.candidates)
        try:
            async with in_transaction() as connection:
                for done, candidate in enumerate(plan.candidates, start=1):
                    keys = _keys(candidate)
                    if any(key in seen for key in keys):
                        reason = "has_directives" if candidate.model == "directives" else (
                            "duplicate")
                        self.skip(candidate, _reason(reason))
                    elif await self.write(candidate, connection):
                        # The directives' resources of one file complete each other (the
                        # wishes, then the organ donation): only those found before count.
                        seen.update(key for key in keys if key != ("directives",))
                        self.report.added[candidate.section] += 1
                    if progress is not None:
                        progress("written", done, total)
                self._forget_untouched()
                await record_accesses(self.context, connection, RequestKind.DEPOSIT)
        except BaseException:
            discard_writes(self.context)
            # The rows are gone with the transaction; the bytes stored for them must go too.
            for key in self.stored_keys:
                await asyncio.shield(self.storage.delete(key))
            raise
        return self.report

    def _forget_untouched(self) -> None:
        """Sections the policy let the viewer write to but that got nothing: not in the
        access history (only what was written is)."""
        written = {section.value for section in self.report.added}
        self.context.audited |= {access for access in self.context.accesses
                                 if access[1] not in written}


async def import_bundle(context: Context, patient: Patient, data: bytes, storage: Storage,
                        progress: Progress | None = None) -> ImportReport:
    """Read `data` as a Bundle and add what maps to the record of `patient`, as the viewer of
    `context`; BundleRefused (nothing written) when the file is malformed. The caller has
    checked ``may_import``; ``authorize`` refuses the sections the viewer may not write."""
    bundle = read_bundle(data, None if progress is None else
                         (lambda done, total: progress("read", done, total)))
    check_same_person(bundle, patient.ins_nir + patient.ins_key)
    plan = plan_import(bundle, patient.birth_date)
    work = _Import(context, patient, storage, context.language)
    return await work.run(plan, progress)
