"""What a query costs: the number of objects its answer can hold, counted before it runs.

The formula (docs/api.md, "Cost"):
- a field that returns an object costs 1, plus what is selected inside it;
- a list of objects costs that once per element it can hold: `first` elements for a
  paginated field (`items` and `edges` of a page, or a list that takes `first`),
  `first`'s default when it is not given, and UNPAGED_LIST_SIZE for the few short
  lists that take no `first`;
- scalars cost nothing; each top-level mutation field adds MUTATION_COST.
The actual cost counts the objects the answer really holds, with the same weights.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_composite_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from api.graphql.common import DEFAULT_PAGE_SIZE

# A single query may not ask for more objects than this (QUERY_TOO_COSTLY).
MAX_QUERY_COST = 5000
MUTATION_COST = 10
UNPAGED_LIST_SIZE = 10
# Fields of a page that hold its elements.
PAGE_ELEMENT_FIELDS = frozenset({"items", "edges"})


# The parser cache hands the same DocumentNode to every request of the same text, so the
# cost of an operation is worked out once per document and page sizes, not per request.
_COST_CACHE_SIZE = 256
_costs: OrderedDict[tuple[int, int, str | None, tuple[tuple[str, int], ...]],
                    tuple[DocumentNode, int]] = OrderedDict()


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    """The most objects the chosen operation's answer can hold.

    Only integer variables can change it (a `first` given by a variable): the answer is
    kept per document, operation and integer variables. The document is kept with it, so
    an id reused by another document after the first is freed cannot answer for it.
    """
    given = tuple(sorted((name, value) for name, value in (variables or {}).items()
                         if isinstance(value, int) and not isinstance(value, bool)))
    key = (id(schema), id(document), operation_name, given)
    kept = _costs.get(key)
    if kept is not None and kept[0] is document:
        _costs.move_to_end(key)
        return kept[1]
    cost = _requested_cost(schema, document, operation_name, variables)
    _costs[key] = (document, cost)
    if len(_costs) > _COST_CACHE_SIZE:
        _costs.popitem(last=False)
    return cost


def _requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int:
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    walk = _Walk(schema, document, variables or {})
    return walk.selection_cost(operation.selection_set, root, None) + _mutation_cost(operation)


def actual_cost(data: Any, operation: OperationDefinitionNode | None) -> int:
    """The objects the answer holds (the root object itself is free)."""
    if not isinstance(data, dict):
        return 0
    return sum(_objects_in(value) for value in data.values()) + _mutation_cost(operation)


def _mutation_cost(operation: OperationDefinitionNode | None) -> int:
    if operation is None or operation.operation is not OperationType.MUTATION:
        return 0
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    return MUTATION_COST * len(fields)


def _objects_in(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_objects_in(child) for child in value.values())
    if isinstance(value, list):
        return sum(_objects_in(child) for child in value)
    return 0


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode,
                 variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.expanding: set[str] = set()
        # A fragment costs the same wherever it is spread with the same parent and page size:
        # measured once, so fragments that spread each other cannot make the walk exponential.
        self.measured: dict[tuple[str, str, int | None], int] = {}

    def selection_cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType,
                       page_size: int | None) -> int:
        """The cost of one object's selection; `page_size` is set inside a page."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, page_size)
            elif isinstance(selection, InlineFragmentNode):
                total += self.selection_cost(selection.selection_set,
                                             self._condition(selection, parent), page_size)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread_cost(selection, parent, page_size)
        return total

    def spread_cost(self, spread: FragmentSpreadNode, parent: GraphQLNamedType,
                    page_size: int | None) -> int:
        name = spread.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in self.expanding:
            return 0  # validation refuses unknown and cyclic fragments anyway
        key = (name, parent.name, page_size)
        if key not in self.measured:
            self.expanding.add(name)
            try:
                self.measured[key] = self.selection_cost(
                    fragment.selection_set, self._condition(fragment, parent), page_size)
            finally:
                self.expanding.discard(name)
        return self.measured[key]

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType, page_size: int | None) -> int:
        definition = self._field(node.name.value, parent)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        size = self._first(node, definition)
        is_list = _is_list(definition.type)
        one = 1 + self.selection_cost(node.selection_set, named, None if is_list else size)
        if not is_list:
            return one
        if size is not None:
            return size * one
        if node.name.value in PAGE_ELEMENT_FIELDS and page_size is not None:
            return page_size * one
        return UNPAGED_LIST_SIZE * one

    def _field(self, name: str, parent: GraphQLNamedType) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _condition(self, fragment: InlineFragmentNode | FragmentDefinitionNode,
                   parent: GraphQLNamedType) -> GraphQLNamedType:
        if fragment.type_condition is None:
            return parent
        return self.schema.get_type(fragment.type_condition.name.value) or parent

    def _first(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page size a field asks for, or None when it takes no `first`."""
        argument = definition.args.get("first")
        if argument is None:
            return None
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            value: Any = None
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value)
            # A value no GraphQL Int can hold is left to coercion, which names the field.
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT:
                return value
            break
        default = argument.default_value
        return default if isinstance(default, int) and default > 0 else DEFAULT_PAGE_SIZE


MAX_INT = 2**31 - 1


def _is_list(type_: Any) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)
