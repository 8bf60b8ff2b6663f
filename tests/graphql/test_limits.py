"""Depth and alias limits hold for introspection and through fragments, and stay cheap."""

from __future__ import annotations

import time

import pytest
import strawberry
from strawberry.extensions import AddValidationRules

from api.graphql.limits import MAX_DEPTH, depth_and_alias_rule


def _introspection_query(depth: int) -> str:
    """`__type` is 1 deep; each nested `ofType` with a selection adds one."""
    return ('{ __type(name: "Query") { ' + "ofType { " * (depth - 1) + "name"
            + " }" * (depth - 1) + " } }")


def _codes(body: dict) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


@pytest.mark.parametrize(("depth", "refused"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
async def test_introspection_counts_towards_the_depth_limit(client, depth, refused):
    response = await client.post("/graphql", json={"query": _introspection_query(depth)})
    body = response.json()
    if refused:
        assert _codes(body) == ["QUERY_TOO_DEEP"] and body.get("data") is None
    else:
        assert "errors" not in body and body["data"]["__type"]["ofType"] is None


@strawberry.type
class Node:
    name: str = "node"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class TreeQuery:
    @strawberry.field
    def root(self) -> Node:
        return Node()


# A schema with a recursive type (Carnet's own has none: no query of it goes 7 deep).
_tree_rules = [depth_and_alias_rule()]
_tree = strawberry.Schema(query=TreeQuery,
                          extensions=[lambda: AddValidationRules(_tree_rules)])


def _tree_query(depth: int, via_fragment: bool = False) -> str:
    inner = "child { " * (depth - 1) + "name" + " }" * (depth - 1)
    if via_fragment:
        return "query { root { ...Deep } } fragment Deep on Node { " + inner + " }"
    return "query { root { " + inner + " } }"


@pytest.mark.parametrize("via_fragment", [False, True])
@pytest.mark.parametrize(("depth", "refused"), [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
async def test_an_ordinary_query_is_refused_just_past_the_depth_limit(depth, refused,
                                                                      via_fragment):
    result = await _tree.execute(_tree_query(depth, via_fragment))
    if refused:
        assert result.errors and result.errors[0].extensions == {"code": "QUERY_TOO_DEEP"}
    else:
        assert result.errors is None and result.data is not None


def _fanned_out(levels: int, leaf: str) -> str:
    """Each fragment spreads the next one twice: 2**levels copies of the leaf."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Query {{ {leaf} }}")
    return "query { ...F0 } " + " ".join(fragments)


async def test_aliases_multiplied_by_fragments_are_counted_and_refused_quickly(client):
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": _fanned_out(40, "a: __typename")})
    assert "TOO_MANY_ALIASES" in _codes(response.json())
    assert time.perf_counter() - started < 1.0


async def test_fragments_spread_twice_over_and_over_are_checked_in_linear_time(client):
    # strawberry's own limiters walked each spread again: 18 levels took over a second.
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": _fanned_out(60, "__typename")})
    assert response.json()["data"] == {"__typename": "Query"}
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(("aliases", "refused"), [(30, False), (31, True)])
async def test_aliases_inside_fragments_count_like_the_others(client, aliases, refused):
    fields = " ".join(f"a{i}: __typename" for i in range(aliases))
    query = "query { ...Many } fragment Many on Query { " + fields + " }"
    body = (await client.post("/graphql", json={"query": query})).json()
    assert (_codes(body) == ["TOO_MANY_ALIASES"]) is refused
