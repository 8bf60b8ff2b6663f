"""The cost formula, worked on examples, and every page's operations within the maximum."""

from __future__ import annotations

import pytest
from graphql import get_operation_ast, parse

from api.graphql.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from api.graphql.cost import (
    MAX_QUERY_COST,
    MUTATION_COST,
    UNPAGED_LIST_SIZE,
    actual_cost,
    requested_cost,
)
from api.root.schema import schema
from web.graphql_client import operations


def cost(query: str, variables: dict[str, object] | None = None, name: str | None = None) -> int:
    return requested_cost(schema._schema, parse(query), name, variables)


@pytest.mark.parametrize(("query", "expected"), [
    ("{ __typename }", 0),
    ("{ me { account { email } } }", 2),  # me, account; scalars are free
    ("{ patients(first: 10) { totalCount } }", 1),  # the page object alone
    ("{ patients(first: 10) { items { id } } }", 1 + 10),
    ("{ patients(first: 10) { edges { cursor node { id } } } }", 1 + 10 * 2),
    ("{ patients(first: 10) { items { id } pageInfo { endCursor } } }", 1 + 10 + 1),
    ("{ patients { items { id } } }", 1 + DEFAULT_PAGE_SIZE),  # `first` not given
    ("{ patients(first: 3) { items { allergies(first: 4) { items { substance } } } } }",
     1 + 3 * (1 + 1 + 4)),
    ('{ terminology(system: ICD10, text: "a") { code } }', 20),  # a list with first = 20
    ('{ terminology(system: ICD10, text: "a", first: 5) { code } }', 5),
    ("{ measurementKinds { kind } }", UNPAGED_LIST_SIZE),  # a short list without `first`
    ("{ me { represented { id } } }", 1 + UNPAGED_LIST_SIZE),
])
def test_the_cost_of_a_query(query: str, expected: int):
    assert cost(query) == expected


def test_first_given_by_a_variable_multiplies():
    query = "query($n: Int) { patients(first: $n) { items { id } } }"
    assert cost(query, {"n": 7}) == 1 + 7
    assert cost(query, {}) == 1 + DEFAULT_PAGE_SIZE
    assert cost(query, {"n": "seven"}) == 1 + DEFAULT_PAGE_SIZE  # refused when it runs


def test_the_same_document_asked_again_with_other_page_sizes_costs_what_they_ask():
    """The cost is kept per document (the parser cache hands out the same one): a kept
    answer must not stand for other page sizes, another operation, or a new document."""
    document = parse("query A($n: Int) { patients(first: $n) { items { id } } } "
                     "query B { me { id } }")
    asked = [(name, variables) for name, variables in
             [("A", {"n": 7}), ("A", {"n": 7}), ("A", {"n": 3}), ("A", {"n": "x"}),
              ("B", {"n": 3}), ("A", {"n": 7, "other": "text"})]]
    costs = [requested_cost(schema._schema, document, name, variables)
             for name, variables in asked]
    assert costs == [1 + 7, 1 + 7, 1 + 3, 1 + DEFAULT_PAGE_SIZE, 1, 1 + 7]
    again = parse("query A($n: Int) { patients(first: $n) { items { id } } }")
    assert requested_cost(schema._schema, again, "A", {"n": 2}) == 1 + 2


def test_fragments_and_aliases_count_each_time_they_are_used():
    query = """{ a: me { ...Who } b: me { ...Who } }
               fragment Who on Me { account { email } }"""
    assert cost(query) == 2 * (1 + 1)
    inline = "{ me { ... on Me { account { email } } } }"
    assert cost(inline) == 2


def test_only_the_chosen_operation_counts():
    document = "query Small { me { id } } query Big { patients(first: 100) { items { id } } }"
    assert cost(document, name="Small") == 1
    assert cost(document, name="Big") == 101


def test_each_mutation_field_adds_the_mutation_cost():
    mutation = 'mutation { markNotificationsRead(ids: ["1"]) { userErrors { code } } }'
    assert cost(mutation) == MUTATION_COST + 1 + UNPAGED_LIST_SIZE


def test_the_actual_cost_counts_the_objects_of_the_answer():
    query = parse("{ patients(first: 10) { items { id } pageInfo { endCursor } } }")
    data = {"patients": {"items": [{"id": "1"}, {"id": "2"}], "pageInfo": {"endCursor": "x"}}}
    assert actual_cost(data, get_operation_ast(query)) == 1 + 2 + 1
    assert actual_cost(None, get_operation_ast(query)) == 0
    assert actual_cost({"me": None}, None) == 0


@pytest.mark.parametrize("name", sorted(operations()))
def test_every_page_operation_costs_less_than_the_maximum_at_the_largest_page(name: str):
    """Pages run these in-process: a person browsing must never meet QUERY_TOO_COSTLY."""
    assert cost(operations()[name], {"first": MAX_PAGE_SIZE}, name) <= MAX_QUERY_COST
