"""The GraphQL schema, composed from each domain's Query and Mutation types."""

from __future__ import annotations

from functools import cache
from typing import Any

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
from strawberry.types import ExecutionContext, ExecutionResult

from api.audit.extension import AccessLogExtension
from api.audit.queries import AuditQuery
from api.exchange.fhir.queries import ExchangeQuery
from api.graphql.cost_extension import CostExtension
from api.graphql.errors import error_extensions, should_mask_error
from api.graphql.introspection import ProductionIntrospectionGuard
from api.graphql.limit_codes import add_limit_codes
from api.graphql.limits import MAX_TOKENS, depth_and_alias_rule
from api.graphql.scalars import SCALAR_OVERRIDES
from api.graphql.text_input import check_text_arguments
from api.interop.queries import TerminologyQuery
from api.messaging.mutations import MessagingMutation
from api.messaging.queries import MessagingQuery
from api.notify.mutations import NotifyMutation
from api.notify.queries import NotifyQuery
from api.outage import DatabaseUnavailable, is_database_outage, outage_message
from api.records.directives.mutations import DirectivesMutation
from api.records.documents.mutations import DocumentsMutation
from api.records.documents.queries import DocumentsQuery
from api.records.entries.mutations import EntriesMutation
from api.records.entries.queries import EntriesQuery
from api.records.measurements.mutations import MeasurementsMutation
from api.records.measurements.queries import MeasurementsQuery
from api.root.me import IdentityQuery
from api.sharing.matrix_queries import MatrixQuery
from api.sharing.mutations import ConsentMutation
from api.sharing.queries import ConsentQuery
from api.sync.queries import SyncQuery

MAX_BATCH_OPERATIONS = 10
# Built once: a rule class made per request would defeat the validation cache.
_LIMIT_RULES: list[type[ASTValidationRule]] = [depth_and_alias_rule()]


@strawberry.type
class Query(IdentityQuery, TerminologyQuery, EntriesQuery, MeasurementsQuery, AuditQuery,
            DocumentsQuery, ConsentQuery, MatrixQuery, SyncQuery, NotifyQuery, MessagingQuery,
            ExchangeQuery):
    pass


@strawberry.type
class Mutation(EntriesMutation, MeasurementsMutation, DirectivesMutation, DocumentsMutation,
               ConsentMutation, NotifyMutation, MessagingMutation):
    pass


class CarnetSchema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        # Here, not in an extension: a parse error (too many tokens) skips their hooks.
        add_limit_codes(result.errors or [])
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Refusals are expected; only unexpected errors deserve a traceback in the log.
        unexpected = [e for e in errors if should_mask_error(e)]
        for error in errors:  # a query that does not parse reaches no extension: code it here
            if not should_mask_error(error):
                error.extensions = error_extensions(error)
        if unexpected:
            super().process_errors(unexpected, execution_context)


class OwnErrorExtensions(MaskErrors):
    """Masks unexpected errors and gives every error an `extensions.code`."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors([self._outage_told(error) for error in errors])
        for error in processed:
            error.extensions = error_extensions(error)
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
    built = CarnetSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(disable_field_suggestions=production,
                                batching_config={"max_operations": MAX_BATCH_OPERATIONS}),
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: AddValidationRules(_LIMIT_RULES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: OwnErrorExtensions(should_mask_error=should_mask_error),
            *([ProductionIntrospectionGuard] if production else []),
            CostExtension,
            AccessLogExtension,
        ],
    )
    check_text_arguments(built._schema)  # text with control characters never reaches a resolver
    return built


@cache
def shared_schema(*, production: bool = False) -> CarnetSchema:
    """The schema built once per process for each mode: building it takes a tenth of a
    second or more, which a server's start-up pays only for the mode it serves."""
    return build_schema(production=production)


def __getattr__(name: str) -> CarnetSchema:
    # `schema` (the development schema, for the command line and the tests) is built on
    # first use, not on import: a production server never needs it.
    if name == "schema":
        return shared_schema()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
