"""`terminology`: search-as-you-type over the code systems Carnet records with."""

from __future__ import annotations

import strawberry

from api.graphql.common import MAX_PAGE_SIZE
from api.graphql.context import Info
from api.graphql.errors import CarnetError
from api.interop.terminology import Concept, System, search

DEFAULT_SUGGESTIONS = 20
MAX_QUERY_LENGTH = 100

# The terminology layer's enum doubles as the GraphQL enum (registered in place).
strawberry.enum(System, name="TerminologySystem", description="A code system Carnet records with.")


@strawberry.type(name="Concept", description="A coded concept, labelled in the viewer's language.")
class ConceptType:
    code: str
    label: str
    system: System
    detail: str | None = strawberry.field(
        description="A short complement: the diseases a vaccine targets, a measurement's unit."
    )

    @classmethod
    def of(cls, concept: Concept, language: str) -> ConceptType:
        return cls(code=concept.code, label=concept.label(language), system=concept.system,
                   detail=concept.detail(language) or None)


@strawberry.type
class TerminologyQuery:
    @strawberry.field(
        description="Concepts matching what the person is typing, best first "
        "(code prefix, or words of the label; accents and case ignored)."
    )
    def terminology(
        self,
        info: Info,
        system: System,
        text: str,
        first: int = DEFAULT_SUGGESTIONS,
    ) -> list[ConceptType]:
        info.context.require_viewer()
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise CarnetError(f"`first` must be between 1 and {MAX_PAGE_SIZE}.",
                              code="BAD_PAGE_SIZE")
        if len(text) > MAX_QUERY_LENGTH:
            raise CarnetError(f"`text` must be at most {MAX_QUERY_LENGTH} characters.",
                              code="TEXT_TOO_LONG")
        language = info.context.language
        return [ConceptType.of(concept, language)
                for concept in search(system, text, lang=language, limit=first)]
