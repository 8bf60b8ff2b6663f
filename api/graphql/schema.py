"""The GraphQL schema, composed from each domain's Query and Mutation types."""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.audit.extension import AccessLogExtension
from api.audit.queries import AuditQuery
from api.consent.matrix_queries import MatrixQuery
from api.consent.mutations import ConsentMutation
from api.consent.queries import ConsentQuery
from api.documents.mutations import DocumentsMutation
from api.documents.queries import DocumentsQuery
from api.graphql.errors import own_error, should_mask_error
from api.graphql.limits import MAX_TOKENS, depth_and_alias_rule
from api.identity.queries import IdentityQuery
from api.interop.queries import TerminologyQuery
from api.outage import DatabaseUnavailable, is_database_outage, outage_message
from api.records.directives.mutations import DirectivesMutation
from api.records.entries.mutations import EntriesMutation
from api.records.entries.queries import EntriesQuery
from api.records.measurements.mutations import MeasurementsMutation
from api.records.measurements.queries import MeasurementsQuery

# Built once: a rule class made per request would defeat the validation cache.
_LIMIT_RULES: list[type[ASTValidationRule]] = [depth_and_alias_rule()]


@strawberry.type
class Query(IdentityQuery, TerminologyQuery, EntriesQuery, MeasurementsQuery, AuditQuery,
            DocumentsQuery, ConsentQuery, MatrixQuery):
    pass


@strawberry.type
class Mutation(EntriesMutation, MeasurementsMutation, DirectivesMutation, DocumentsMutation,
               ConsentMutation):
    pass


class CarnetSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Refusals are expected; only unexpected errors deserve a traceback in the log.
        unexpected = [e for e in errors if e.original_error is not None and own_error(e) is None]
        if unexpected:
            super().process_errors(unexpected, execution_context)


class OwnErrorExtensions(MaskErrors):
    """Masks unexpected errors and gives our own errors their `extensions.code`."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors([self._outage_told(error) for error in errors])
        for error in processed:
            own = own_error(error)
            if own is not None:
                error.extensions = {**(error.extensions or {}), **own.extensions}
        return processed

    def _outage_told(self, error: GraphQLError) -> GraphQLError:
        """A lost database connection is said as such (the view answers 503), not masked."""
        if error.original_error is None or not is_database_outage(error.original_error):
            return error
        language = getattr(self.execution_context.context, "language", "fr")
        message = outage_message(language)
        return GraphQLError(message, nodes=error.nodes, path=error.path,
                            original_error=DatabaseUnavailable(message))


def build_schema(*, production: bool = False) -> CarnetSchema:
    return CarnetSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=production),
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: AddValidationRules(_LIMIT_RULES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: OwnErrorExtensions(should_mask_error=should_mask_error),
            AccessLogExtension,
        ],
    )


schema = build_schema()
