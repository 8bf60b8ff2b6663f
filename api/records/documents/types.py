"""GraphQL types of the documents section, and the `documents` field of a Patient."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import strawberry

from api.consent.permissions import facts_for, section_field
from api.consent.policy import document_visibility
from api.consent.sections import DocumentCategory, Section
from api.graphql.common import Page, page_of, page_size
from api.graphql.context import Info
from api.interop.terminology import document_type
from api.records.documents.loaders import PageRequest, check_cursor, cursor_of, document_page_loader
from api.records.documents.models import Document
from api.records.provenance import Provenance

if TYPE_CHECKING:
    from api.identity.models import Patient

DocumentCategoryEnum = strawberry.enum(
    DocumentCategory, name="DocumentCategory",
    description="A group of document types; professions read documents by category.",
)


def download_url(document_id: int) -> str:
    return f"/documents/{document_id}/content"


@strawberry.type(name="Document", description="A file of the record: a PDF, JPEG or PNG.")
class DocumentType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    title: str
    type_code: str = strawberry.field(description="The LOINC document code.")
    type_label: str = strawberry.field(description="The document type, in the viewer's language.")
    category: DocumentCategoryEnum  # type: ignore[valid-type]
    content_type: str = strawberry.field(
        description="What the bytes are: application/pdf, image/jpeg or image/png."
    )
    size_bytes: int
    document_date: date = strawberry.field(description="The date of the document itself.")
    download_url: str = strawberry.field(
        description="Where the signed-in viewer gets the bytes (same consent rules)."
    )
    hidden_from_professionals: bool = strawberry.field(
        description="The patient hid it from professionals (the treating doctor still sees it)."
    )
    provenance: Provenance

    @classmethod
    def from_model(cls, document: Document, language: str) -> DocumentType:
        concept = document_type(document.type_code)
        return cls(
            id=strawberry.ID(str(document.id)),
            patient_id=strawberry.ID(str(document.patient_id)),
            title=document.title,
            type_code=document.type_code,
            type_label=concept.label(language) if concept else document.type_code,
            category=DocumentCategory(document.category),
            content_type=document.content_type,
            size_bytes=document.size_bytes,
            document_date=document.document_date,
            download_url=download_url(document.id),
            hidden_from_professionals=document.hidden_from_professionals,
            provenance=Provenance.of(document),
        )


@strawberry.type(name="DocumentTypeInfo", description="A document type to offer in forms.")
class DocumentTypeInfo:
    code: str = strawberry.field(description="The LOINC document code.")
    label: str
    category: DocumentCategoryEnum  # type: ignore[valid-type]


@strawberry.type(name="DocumentCategoryInfo", description="A document category, with its label.")
class DocumentCategoryInfo:
    key: DocumentCategoryEnum  # type: ignore[valid-type]
    label: str


@strawberry.type
class PatientDocumentsFields:
    """The `documents` field of the Patient type."""

    if TYPE_CHECKING:
        model: Patient

    @section_field(
        Section.DOCUMENTS,
        description="The documents the viewer may see, newest first (by document date); "
        "hidden and held-back documents are left out before paging.",
    )
    async def documents(
        self,
        info: Info,
        category: DocumentCategoryEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Page[DocumentType] | None:
        size = page_size(first)
        viewer, rights = await facts_for(info.context, self.model)
        check_cursor(after)
        rows, total = await document_page_loader(info.context).load(PageRequest(
            self.model.id, document_visibility(viewer, rights), size=size, after=after,
            category=category.value if category is not None else None,
        ))
        cursors = {str(row.id): cursor_of(row) for row in rows}
        items = [DocumentType.from_model(row, info.context.language) for row in rows]
        return page_of(items, size, total, lambda item: cursors[str(item.id)])
