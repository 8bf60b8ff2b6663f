"""Limits on the shape of a GraphQL query: its length, depth and aliases.

strawberry's QueryDepthLimiter does not count introspection fields, so a deep
`__type { fields { type { ofType ... } } }` query passed it; and both its depth and
alias limiters walk a fragment again at every spread, so fragments that spread
each other twice cost exponential time to check. These rules count every field,
introspection included, and measure each fragment once.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

# Checked on the raw text before parsing: comments and spaces are not tokens, so the
# token limit alone lets megabytes of them through to the parser. The longest query
# the pages run is under 5,000 characters.
MAX_QUERY_CHARS = 32 * 1024
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


class _FragmentMeasures:
    """Depth and alias count of each fragment, computed once per document."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.depths: dict[str, int] = {}
        self.aliases: dict[str, int] = {}
        self.in_progress: set[str] = set()  # a cycle (reported by NoFragmentCyclesRule)

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        """How many levels of fields lie below this selection set's fields, counted as
        strawberry counts depth: `{ a }` is 0 deep, `{ a { b } }` is 1 deep."""
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.selection_set:
                deepest = max(deepest, 1 + self.depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value, self.depths,
                                                      self.depth))
        return deepest

    def alias_count(self, selection_set: SelectionSetNode | None) -> int:
        """Aliased fields in this selection set, each fragment counted at every spread."""
        count = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                count += (1 if selection.alias else 0) + self.alias_count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                count += self.alias_count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                count += self._fragment(selection.name.value, self.aliases, self.alias_count)
        return count

    def _fragment(self, name: str, known: dict[str, int], measure: object) -> int:
        if name in known:
            return known[name]
        fragment = self.fragments.get(name)
        key = f"{id(known)}:{name}"
        if fragment is None or key in self.in_progress:
            return 0
        self.in_progress.add(key)
        value: int = measure(fragment.selection_set)  # type: ignore[operator]
        self.in_progress.discard(key)
        known[name] = value
        return value


def _parts(definitions: Iterable[object]) -> tuple[list[OperationDefinitionNode],
                                                   dict[str, FragmentDefinitionNode]]:
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    return operations, fragments


def depth_and_alias_rule(max_depth: int = MAX_DEPTH,
                         max_aliases: int = MAX_ALIASES) -> type[ValidationRule]:
    """A validation rule refusing operations deeper than `max_depth` fields, or with
    more than `max_aliases` aliases in all."""

    class DepthAndAliasLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            operations, fragments = _parts(context.document.definitions)
            measures = _FragmentMeasures(fragments)
            aliases = 0
            for operation in operations:
                name = operation.name.value if operation.name else "anonymous"
                depth = measures.depth(operation.selection_set)
                if depth > max_depth:
                    context.report_error(GraphQLError(
                        f"'{name}' is {depth} fields deep; at most {max_depth} are allowed.",
                        operation, extensions={"code": "QUERY_TOO_DEEP"}))
                aliases += measures.alias_count(operation.selection_set)
            if aliases > max_aliases:
                context.report_error(GraphQLError(
                    f"{aliases} aliases found; at most {max_aliases} are allowed.",
                    extensions={"code": "TOO_MANY_ALIASES"}))

    return DepthAndAliasLimit
