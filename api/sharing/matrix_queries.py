"""Read-only views of the profession matrix and of the directory, for sharing forms.

A patient choosing what to share must be told, before choosing, what a professional of
that profession may ever see: the matrix answers that, independently of any patient.
"""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.consent.matrix import MATRIX
from api.consent.messages import profession_name
from api.consent.permissions import SectionEnum
from api.consent.sections import Action, DocumentCategory, Profession, Section
from api.graphql.common import parse_id
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Professional
from api.identity.types import ProfessionalType
from api.interop.terminology import categories, document_type
from api.records.documents.types import DocumentCategoryInfo, DocumentTypeInfo
from api.sharing.types import ProfessionEnum


def _type_infos(codes: frozenset[str], language: str) -> list[DocumentTypeInfo]:
    """The matrix's LOINC codes as labelled types, in code order (unknown codes left out)."""
    found = []
    for code in sorted(codes):
        concept = document_type(code)
        if concept is not None and concept.category is not None:
            found.append(DocumentTypeInfo(code=concept.code, label=concept.label(language),
                                          category=DocumentCategory(concept.category)))
    return found


@strawberry.type(name="ProfessionRights",
                 description="The most a profession may ever do in a record (the profession "
                             "matrix): what the patient allows is always cut down to it.")
class ProfessionRightsType:
    profession: ProfessionEnum  # type: ignore[valid-type]
    label: str = strawberry.field(description="The profession, in the viewer's language.")
    readable_sections: list[SectionEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Sections the profession may ever read.")
    writable_sections: list[SectionEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Sections the profession may ever change (a subset of the readable ones).")
    never_readable_sections: list[SectionEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Sections the profession never reads, whatever the patient allows.")
    document_categories: list[DocumentCategoryInfo] = strawberry.field(
        description="Document categories it may read (with the documents section).")
    also_read_document_types: list[DocumentTypeInfo] = strawberry.field(
        description="Document types it reads although their category is not listed.")
    never_read_document_types: list[DocumentTypeInfo] = strawberry.field(
        description="Document types it never reads, whatever their category.")

    @classmethod
    def of(cls, profession: Profession, language: str) -> ProfessionRightsType:
        row = MATRIX.rights(profession)
        readable = [s for s in Section if row.allows(s, Action.READ)]
        return cls(
            profession=profession,
            label=profession_name(profession, language),
            readable_sections=readable,
            writable_sections=[s for s in Section if row.allows(s, Action.WRITE)],
            never_readable_sections=[s for s in Section if s not in readable],
            document_categories=[
                DocumentCategoryInfo(key=DocumentCategory(c.key), label=c.label(language))
                for c in categories() if c.key in row.document_categories
            ] if Section.DOCUMENTS in readable else [],
            also_read_document_types=_type_infos(row.also_read_types, language),
            never_read_document_types=_type_infos(row.never_read_types, language),
        )


@strawberry.type
class MatrixQuery:
    @strawberry.field(description="What a profession may ever read and change in a record, "
                      "to tell the patient before they share.")
    def profession_rights(
        self, info: Info, profession: ProfessionEnum,  # type: ignore[valid-type]
    ) -> ProfessionRightsType:
        return ProfessionRightsType.of(Profession(profession), info.context.language)

    @strawberry.field(description="One professional of the directory; NOT_FOUND for an "
                      "unknown id. Signed-in viewers only, as the directory search.")
    async def professional(self, info: Info, id: strawberry.ID) -> ProfessionalType | None:
        info.context.require_viewer()
        professional = await Professional.get_or_none(id=parse_id(id))
        if professional is None:
            raise NotFound("No such professional in the directory.")
        return ProfessionalType.from_model(professional)
