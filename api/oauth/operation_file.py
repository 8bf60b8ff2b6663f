"""Reading a .graphql file of named operations an app registers (`carnet apps operations`).

Each operation's text is its own definition exactly as written in the file, followed by
the fragments it uses (each as written, in file order), separated by a blank line: the
text the app sends, and whose SHA-256 names it. A file with one operation and no
fragment is thus the operation itself, without the spaces around it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Source,
    parse,
    validate,
    visit,
)
from graphql.language import Node, Visitor

from api.graphql.limits import MAX_QUERY_CHARS


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    sha256: str


class OperationFileError(ValueError):
    """A file that cannot be registered; ``problems`` are "line L, column C: message"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _located(error: GraphQLError) -> str:
    if error.locations:
        where = ", ".join(f"line {loc.line}, column {loc.column}" for loc in error.locations)
        return f"{where}: {error.message}"
    return error.message


def _text_of(node: Node, source: str) -> str:
    assert node.loc is not None
    return source[node.loc.start:node.loc.end]


class _SpreadFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _fragments_used(node: Node, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    """Every fragment ``node`` spreads, directly or through other fragments."""
    used: set[str] = set()
    pending = [node]
    while pending:
        finder = _SpreadFinder()
        visit(pending.pop(), finder)
        for name in finder.names - used:
            used.add(name)
            pending.append(fragments[name])
    return used


def sha256_of(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def read_operations(source: str, schema: GraphQLSchema, *, name: str = "operations") -> list[
        Operation]:
    """The named operations of ``source``, validated against ``schema``."""
    try:
        document: DocumentNode = parse(Source(source, name))
    except GraphQLError as error:
        raise OperationFileError([_located(error)]) from error
    problems = [_located(error) for error in validate(schema, document)]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for operation in operations:
        if operation.name is None:
            assert operation.loc is not None
            line = operation.loc.start_token.line
            problems.append(f"line {line}: every operation needs a name")
    if not operations and not problems:
        problems.append("the file holds no operation")
    if problems:
        raise OperationFileError(problems)
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    read: list[Operation] = []
    for operation in operations:
        assert operation.name is not None
        used = _fragments_used(operation, fragments)
        parts = [_text_of(operation, source)] + [
            _text_of(fragment, source) for fragment_name, fragment in fragments.items()
            if fragment_name in used]
        query = "\n\n".join(parts)
        if len(query) > MAX_QUERY_CHARS:
            assert operation.loc is not None
            problems.append(f"line {operation.loc.start_token.line}: {operation.name.value} is "
                            f"longer than {MAX_QUERY_CHARS} characters, the most a query may be")
        read.append(Operation(operation.name.value, query, sha256_of(query)))
    if problems:
        raise OperationFileError(problems)
    return read
