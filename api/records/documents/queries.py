"""Top-level document queries: one document, and the lists forms offer."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.consent.access import authorized_item
from api.consent.sections import Action, DocumentCategory, Section
from api.graphql.common import Page
from api.graphql.context import Info
from api.interop.terminology import categories, document_types
from api.records.documents.deposits import DepositType, my_deposits
from api.records.documents.loaders import item_facts
from api.records.documents.models import Document
from api.records.documents.types import (
    DocumentCategoryEnum,
    DocumentCategoryInfo,
    DocumentType,
    DocumentTypeInfo,
)


async def find_document(info: Info, raw_id: strawberry.ID, action: Action,
                        what: str = "id") -> Document:
    """The document, when the policy lets the viewer do `action` on it; else NOT_FOUND."""
    info.context.require_viewer()
    return await authorized_item(info, Document, raw_id, Section.DOCUMENTS, action, item_facts,
                                 what)


@strawberry.type
class DocumentsQuery:
    @strawberry.field(description="One document of a record the viewer may read.")
    async def document(self, info: Info, id: strawberry.ID) -> DocumentType | None:
        document = await find_document(info, id, Action.READ)
        return DocumentType.from_model(document, info.context.language)

    @strawberry.field(description="The documents the viewer (a professional) deposited, newest "
                      "first: what they sent and whether it is held back, nothing else.")
    async def my_deposits(self, info: Info, first: int | None = None,
                          after: str | None = None) -> Page[DepositType]:
        return await my_deposits(info, first, after)

    @strawberry.field(description="Document types to choose from, in the viewer's language.")
    def document_types(
        self,
        info: Info,
        category: DocumentCategoryEnum | None = None,  # type: ignore[valid-type]
    ) -> list[DocumentTypeInfo]:
        language = info.context.language
        return [
            DocumentTypeInfo(code=concept.code, label=concept.label(language),
                             category=DocumentCategory(concept.category))
            for concept in document_types()
            if category is None or concept.category == category.value
        ]

    @strawberry.field(description="Document categories, in display order.")
    def document_categories(self, info: Info) -> list[DocumentCategoryInfo]:
        language = info.context.language
        return [DocumentCategoryInfo(key=DocumentCategory(item.key), label=item.label(language))
                for item in categories()]
