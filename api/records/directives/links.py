"""The directives' link to a signed document: only a document of the same record, and only
one the person may see.

Writing, the document must belong to the record and pass the documents' visibility rule for
the writer (``authorize`` on that document); a missing one, another record's and a hidden one
get the same user error, so the answer says nothing about documents out of reach. Reading,
the link shows only to whom the policy shows the document, and counts as reading it.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.consent.permissions import authorize
from api.consent.sections import Action, Section
from api.graphql.common import Problem, is_number_text
from api.graphql.context import Context, Info
from api.graphql.errors import ConsentRequired, NotFound
from api.identity.models import Patient
from api.records.documents.loaders import item_facts
from api.records.documents.models import Document


class DocumentByIdLoader(DataLoader[int, Document | None]):
    """Linked documents of many records (a parent's children) in one statement."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, ids: Sequence[int]) -> list[Document | None]:
        by_id = {d.id: d for d in await Document.filter(id__in=list(ids))}
        return [by_id.get(i) for i in ids]


def _loader(context: Context) -> DocumentByIdLoader:
    return context.loaders.get(DocumentByIdLoader)


def _parsed(raw: object) -> int | None:
    text = str(raw).strip()
    if not is_number_text(text) or int(text) == 0:
        return None  # malformed: ``services.merge`` reports it
    return int(text)


async def _visible_document(info: Info, patient: Patient, document_id: int, *, noted: bool
                            ) -> Document | None:
    """The document when the viewer may read it (through ``authorize``), else None.

    ``noted``: whether seeing it counts as reading it (showing the link does; checking a
    link about to be written does not).
    """
    document = await _loader(info.context).load(document_id)
    if document is None or document.patient_id != patient.id:
        return None
    try:
        await authorize(info, patient, Section.DOCUMENTS, Action.READ, item_facts(document),
                        noted=noted)
    except (NotFound, ConsentRequired):
        return None
    return document


async def link_problems(info: Info, patient: Patient, raw: object) -> list[Problem]:
    """Why the writer may not link this document (none for no link or a malformed id)."""
    if raw is None:
        return []
    document_id = _parsed(raw)
    if document_id is None:
        return []
    if await _visible_document(info, patient, document_id, noted=False) is None:
        return [Problem("documentId", "UNKNOWN_DOCUMENT")]
    return []


async def readable_document_id(info: Info, patient: Patient, document_id: int | None
                               ) -> int | None:
    """The linked document's id when the viewer may see that document, else None."""
    if document_id is None:
        return None
    found = await _visible_document(info, patient, document_id, noted=True)
    return None if found is None else document_id
