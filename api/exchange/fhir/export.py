"""The whole record as a FHIR R4B `collection` Bundle, written as a stream of JSON text.

``export_bundle`` yields the Bundle's header, then one entry at a time: rows are read in
pages of ``PAGE`` by id, a document's bytes are read from the storage chunk by chunk and
base64-encoded as they come, so memory stays flat whatever the size of the record.

What goes in is decided by the policy, row by row: a section the reader may not read is
left out, and so is every item the policy hides from them (a document held back from the
patient, an entry a minor keeps from their parents). The grants and the access history go
in only for whoever manages the record's consent. Who may export at all is
``may_export_record`` (``export_decision``); the caller writes the export to the access
history (``record_export``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.models import Model

from api import clock
from api.audit.log import PendingEvent, ViewerSnapshot, append_events, record_event
from api.audit.models import AccessEvent, RequestKind
from api.consent.models import Grant
from api.consent.policy import (
    Decision,
    ItemFacts,
    Rights,
    ViewerFacts,
    decide,
    may_export_record,
    may_manage_consent,
)
from api.consent.rights import load_facts
from api.consent.sections import Action, Basis, Section
from api.graphql.viewer import Viewer
from api.identity.models import Patient, Professional
from api.records.directives.models import Directives
from api.records.documents.loaders import item_facts as document_facts
from api.records.documents.models import Document
from api.records.documents.sealed_files import open_sealed
from api.records.documents.storage_base import Storage
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.services import item_facts as entry_facts
from api.records.measurements.models import Measurement
from api.records.measurements.services import item_facts as measurement_facts
from api.records.provenance import ProvenanceMixin

from . import resources, trail, values
from .trail import Author
from .values import Resource

log = logging.getLogger(__name__)

PAGE = 200
CONTENT_TYPE = "application/fhir+json"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Reader:
    """Who the export is for, as the policy knows them."""

    viewer: ViewerFacts
    rights: Rights

    def reads(self, section: Section, item: ItemFacts | None = None) -> bool:
        return decide(self.viewer, self.rights, section, Action.READ, item).allowed

    def sections(self) -> list[Section]:
        return [section for section in Section if self.reads(section)]

    @property
    def manages(self) -> bool:
        """The grants and the access history are the consent's: for whoever manages it."""
        return may_manage_consent(self.viewer, self.rights).allowed


async def export_decision(viewer: Viewer, patient: Patient) -> tuple[Decision, Reader]:
    """May this signed-in person (or their app) export the record, and with which facts."""
    viewer_facts, rights, _ = await load_facts(viewer, [patient])
    reader = Reader(viewer_facts, rights[patient.id])
    return may_export_record(reader.viewer, reader.rights), reader


def operator_reader(patient: Patient) -> Reader:
    """An operator's export (the command line) holds what the patient themself would
    download: the facts of the record's owner, so documents held back stay out."""
    return Reader(ViewerFacts(account_id=patient.account_id or 0, professional=None),
                  Rights(patient_id=patient.id, now=clock.now(), is_owner=True))


async def record_export(viewer: Viewer, patient: Patient, decision: Decision,
                        reader: Reader) -> None:
    """The export in the patient's access history (nothing for the patient's own)."""
    if decision.basis is None:  # pragma: no cover - an allowed decision always has one
        raise ValueError("only allowed exports are recorded")
    detail = viewer.app.name if viewer.app is not None and decision.basis is Basis.APP else ""
    await record_event(patient_id=patient.id, viewer_account_id=viewer.account_id,
                       basis=decision.basis, sections=reader.sections(), actions=(Action.READ,),
                       request_kind=RequestKind.FHIR_EXPORT, detail=detail)


OPERATOR_NAME = "Carnet (operator)"


async def record_operator_export(patient: Patient, reader: Reader) -> None:
    """An operator's export in the patient's access history, basis ``operator``: no
    account behind it, so the event names the service."""
    operator = ViewerSnapshot(account_id=0, professional_id=None, name=OPERATOR_NAME,
                              profession="")
    await append_events([PendingEvent(
        patient_id=patient.id, viewer=operator, basis=Basis.OPERATOR,
        sections=frozenset(section.value for section in reader.sections()),
        actions=frozenset({Action.READ.value}), request_kind=RequestKind.FHIR_EXPORT)])


# --- Reading the rows ---------------------------------------------------------------------


async def _pages(model: type[M], patient_id: int, *, size: int = PAGE) -> AsyncIterator[list[M]]:
    """The patient's rows of ``model`` by id, ``size`` at a time (keyset: no OFFSET)."""
    last = 0
    while True:
        rows = await model.filter(patient_id=patient_id, id__gt=last).order_by("id").limit(size)
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk


@dataclass
class _Authors:
    """Authors of entries by account, read once each: a record has few of them."""

    patient: Patient
    known: dict[int, Author] = field(default_factory=dict)

    async def prime(self, rows: Iterable[Any]) -> None:
        wanted = {row.created_by_id for row in rows if row.created_by_id is not None}
        missing = sorted(wanted - set(self.known))
        if not missing:
            return
        for pro in await Professional.filter(account_id__in=missing):
            assert pro.account_id is not None
            self.known[pro.account_id] = Author(pro.display_name, "professional")
        for person in await Patient.filter(account_id__in=missing):
            assert person.account_id is not None
            role = "patient" if person.id == self.patient.id else "representative"
            self.known.setdefault(person.account_id, Author(person.display_name, role))

    def of(self, row: Any) -> Author | None:
        return None if row.created_by_id is None else self.known.get(row.created_by_id)


@dataclass(frozen=True)
class _StreamedDocument:
    """A document: its Binary is streamed, then its DocumentReference written."""

    document: Document


_Entry = Resource | _StreamedDocument

_ENTRY_SECTIONS: tuple[tuple[Section, type[ProvenanceMixin], Callable[[Any], Resource],
                             Callable[[Any], ItemFacts]], ...] = (
    (Section.HISTORY, HistoryEntry, resources.history_resource, entry_facts),
    (Section.ALLERGIES, Allergy, resources.allergy_resource, entry_facts),
    (Section.TREATMENTS, Treatment, resources.treatment_resource, entry_facts),
    (Section.VACCINATIONS, Vaccination, resources.vaccination_resource, entry_facts),
    (Section.MEASUREMENTS, Measurement, resources.measurement_resource, measurement_facts),
)


async def count_rows(patient: Patient) -> int:
    """How many rows the export goes through (the total its progress counts towards)."""
    models: list[type[Model]] = [model for _, model, _, _ in _ENTRY_SECTIONS]
    models += [Directives, Document, Grant, AccessEvent]
    return 1 + sum([await model.filter(patient_id=patient.id).count() for model in models])


async def _entries(patient: Patient, reader: Reader) -> AsyncIterator[tuple[int, list[_Entry]]]:
    """(rows gone through, the entries they give), row by row, in the bundle's order: only
    one page of rows and one row's resources are held at a time."""
    yield 1, ([resources.patient_resource(patient)] if reader.reads(Section.IDENTITY) else [])
    authors = _Authors(patient)
    for section, model, build, facts in _ENTRY_SECTIONS:
        readable = reader.reads(section)
        async for rows in _pages(model, patient.id):
            if not readable:
                yield len(rows), []
                continue
            await authors.prime(rows)
            for row in rows:
                if not reader.reads(section, facts(row)):
                    yield 1, []
                    continue
                resource = build(row)
                yield 1, [resource, trail.provenance_resource(resource, row.created_at,
                                                                  authors.of(row))]
    directives = await Directives.filter(patient_id=patient.id).first()
    if directives is not None:
        shown: list[_Entry] = []
        if reader.reads(Section.DIRECTIVES):
            shown += resources.directives_resources(directives)
        yield 1, shown
    readable = reader.reads(Section.DOCUMENTS)
    async for documents in _pages(Document, patient.id):
        for document in documents:
            seen = readable and reader.reads(Section.DOCUMENTS, document_facts(document))
            yield 1, [_StreamedDocument(document)] if seen else []
    manages = reader.manages
    async for grants in _pages(Grant, patient.id):
        found: list[_Entry] = []
        if manages:
            by_id = {pro.id: pro for pro in await Professional.filter(
                id__in=sorted({grant.professional_id for grant in grants}))}
            found = [trail.grant_resource(grant, by_id[grant.professional_id],
                                              reader.rights.now) for grant in grants]
        yield len(grants), found
    async for events in _pages(AccessEvent, patient.id):
        for event in events:
            yield 1, [trail.access_resource(event)] if manages else []


# --- Writing the bundle -------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _entry(resource: Resource) -> str:
    return _json({"resource": resource})


async def _base64(chunks: AsyncIterator[bytes], digest: Any) -> AsyncIterator[str]:
    """The base64 of the chunks, piece by piece (3-byte groups: no padding in between)."""
    rest = b""
    async for chunk in chunks:
        digest.update(chunk)
        data = rest + chunk
        cut = len(data) - len(data) % 3
        rest = data[cut:]
        if cut:
            yield base64.b64encode(data[:cut]).decode("ascii")
    if rest:
        yield base64.b64encode(rest).decode("ascii")


async def _document(document: Document, storage: Storage, stored: bool) -> AsyncIterator[str]:
    """The Binary (streamed) and then the DocumentReference, with the SHA-1 of the bytes;
    the DocumentReference alone when the bytes are not ``stored``."""
    sha1: bytes | None = None
    if stored:
        head = _json({"resourceType": "Binary", "id": trail.binary_id(document),
                      "contentType": document.content_type})
        yield '{"resource":' + head[:-1] + ',"data":"'
        digest = hashlib.sha1(usedforsecurity=False)
        async for piece in _base64(await open_sealed(storage, document.patient_id,
                                                     document.storage_key), digest):
            yield piece
        yield '"}},'
        sha1 = digest.digest()
    else:
        log.error("the file of document %s is missing from the storage", document.id)
    yield _entry(trail.document_resource(document, sha1))


async def export_bundle(patient: Patient, reader: Reader, storage: Storage, *,
                        progress: Callable[[int, int], None] | None = None
                        ) -> AsyncIterator[str]:
    """The record as a Bundle's JSON text, in pieces; ``progress`` hears how many rows
    have been gone through so far (towards ``count_rows``) and how many entries written."""
    header = {"resourceType": "Bundle", "id": uuid.uuid4().hex, "type": "collection",
              "timestamp": values.instant(clock.now())}
    yield _json(header)[:-1] + ',"entry":['
    done, written = 0, 0
    async for rows, entries in _entries(patient, reader):
        for entry in entries:
            if written:
                yield ","
            written += 1
            if isinstance(entry, _StreamedDocument):
                stored = await storage.exists(entry.document.storage_key)
                async for piece in _document(entry.document, storage, stored):
                    yield piece
                written += 1 if stored else 0
            else:
                yield _entry(entry)
        done += rows
        if progress is not None:
            progress(done, written)
    yield "]}"
