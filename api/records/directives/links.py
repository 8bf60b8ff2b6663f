"""The directives' link to a signed document: only a document of the same record, and only
one the person may see.

Writing, the document must belong to the record and pass the documents' visibility rule for
the writer (``decide`` on that document); a missing one, another record's and a hidden one
get the same user error, so the answer says nothing about documents out of reach. Reading,
the link shows only to whom the policy shows the document, and counts as reading it.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.consent.policy import decide
from api.consent.sections import Action, Section
from api.documents.loaders import item_facts
from api.documents.models import Document
from api.graphql.common import Problem, is_number_text
from api.graphql.context import Context, Info
from api.graphql.permissions import facts_for
from api.identity.models import Patient


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


async def _visible_document(info: Info, patient: Patient, document_id: int
                            ) -> tuple[Document, object] | None:
    """The document and the decision that lets the viewer read it, or None."""
    document = await _loader(info.context).load(document_id)
    if document is None or document.patient_id != patient.id:
        return None
    viewer, rights = await facts_for(info.context, patient)
    decision = decide(viewer, rights, Section.DOCUMENTS, Action.READ, item_facts(document))
    return (document, decision) if decision.allowed else None


async def link_problems(info: Info, patient: Patient, raw: object) -> list[Problem]:
    """Why the writer may not link this document (none for no link or a malformed id)."""
    if raw is None:
        return []
    document_id = _parsed(raw)
    if document_id is None:
        return []
    if await _visible_document(info, patient, document_id) is None:
        return [Problem("documentId", "UNKNOWN_DOCUMENT")]
    return []


async def readable_document_id(info: Info, patient: Patient, document_id: int | None
                               ) -> int | None:
    """The linked document's id when the viewer may see that document, else None."""
    if document_id is None:
        return None
    found = await _visible_document(info, patient, document_id)
    if found is None:
        return None
    info.context.note_access(patient.id, Section.DOCUMENTS, Action.READ, found[1])
    return document_id
