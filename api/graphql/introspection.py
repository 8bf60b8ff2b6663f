"""Introspection in production: only for the tokens of registered apps.

Browser sessions and anonymous clients get INTROSPECTION_DISABLED; the schema is
published as schema.graphql for whoever builds a client.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, ExecutionResult, FieldNode, GraphQLError, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def introspection_allowed(client_app: str | None) -> bool:
    """Whether this caller may introspect in production: a registered app may.

    `client_app` is the client id behind the request's bearer token, None for browser
    sessions and anonymous requests. A live token exists only for an app registered and
    approved into the catalogue (api.oauth), so any client id here is a registered app.
    """
    return client_app is not None


class _IntrospectionFinder(Visitor):
    found = False

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.found = True


def asks_introspection(document: DocumentNode) -> bool:
    finder = _IntrospectionFinder()
    visit(document, finder)
    return finder.found


class ProductionIntrospectionGuard(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        client_app = getattr(execution.context, "client_app", None)
        if document is not None and asks_introspection(document) \
                and not introspection_allowed(client_app):
            execution.result = ExecutionResult(data=None, errors=[GraphQLError(
                "Introspection is open to registered apps only; see schema.graphql.",
                extensions={"code": "INTROSPECTION_DISABLED"},
            )])
        yield
