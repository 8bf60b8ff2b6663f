"""Every limit on a query, just under and just over, for each kind of caller."""

from __future__ import annotations

from api.graphql.common import MAX_PAGE_SIZE
from api.graphql.cost import MAX_QUERY_COST
from api.graphql.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from api.root.schema import MAX_BATCH_OPERATIONS
from tests.graphql.callers import Caller, codes

LIMIT_CODES = {"QUERY_TOO_DEEP", "TOO_MANY_ALIASES", "TOO_MANY_TOKENS", "QUERY_TOO_COSTLY",
               "TOO_MANY_OPERATIONS", "BAD_PAGE_SIZE"}


def nested(depth: int) -> str:
    """A query of depth `depth` (a root field is depth 0): real fields as far as the
    schema goes, then made-up ones.

    No path of the schema is as deep as the limit; validation names the made-up fields,
    and the depth limiter, which counts selections, speaks only past the limit.
    """
    path = ["patients(first: 1)", "edges", "node", "history(first: 1)", "edges", "node",
            "provenance", "createdBy"]
    path += [f"deeper{n}" for n in range(depth)]
    text = "name"
    for name in reversed(path[:depth]):
        text = f"{name} {{ {text} }}"
    return "{ " + text + " }"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{n}: __typename" for n in range(count)) + " }"


def with_tokens(count: int) -> str:
    """A valid document of exactly `count` tokens: operations of five (`query Qn { x }`).

    Distinct operations, not one long selection: validation gives up comparing a
    selection that repeats one field thousands of times.
    """
    operations, extra = divmod(count, 5)
    text = " ".join(f"query Q{n} {{ __typename }}" for n in range(operations))
    return text + " query Z" * extra


def page_query(first: int) -> str:
    return f"{{ patients(first: {first}) {{ totalCount }} }}"


def refusals(body: object) -> set[str]:
    return set(codes(body)) & LIMIT_CODES


async def test_the_deepest_real_query_is_allowed(caller: Caller):
    body = (await caller.query(
        "{ patients(first: 1) { edges { node { history(first: 1) { edges { node { provenance "
        "{ createdBy "
        "{ name } } } } } } } } }")).json()
    assert refusals(body) == set()


async def test_depth_just_under_and_just_over(caller: Caller):
    under = (await caller.query(nested(MAX_DEPTH))).json()
    over = (await caller.query(nested(MAX_DEPTH + 1))).json()
    assert refusals(under) == set()
    assert codes(under), "made-up fields are named by validation"
    assert refusals(over) == {"QUERY_TOO_DEEP"}


async def test_aliases_just_under_and_just_over(caller: Caller):
    under = (await caller.query(aliased(MAX_ALIASES))).json()
    over = (await caller.query(aliased(MAX_ALIASES + 1))).json()
    assert "errors" not in under and len(under["data"]) == MAX_ALIASES
    assert refusals(over) == {"TOO_MANY_ALIASES"} and over.get("data") is None


async def test_aliases_inside_fragments_count_too(caller: Caller):
    fragment = "fragment Many on Query { " + aliased(MAX_ALIASES + 1)[2:-2] + " }"
    over = (await caller.query("{ ...Many } " + fragment)).json()
    assert refusals(over) == {"TOO_MANY_ALIASES"}


async def test_tokens_just_under_and_just_over(caller: Caller):
    under = (await caller.query(with_tokens(MAX_TOKENS), operationName="Q0")).json()
    over = (await caller.query(with_tokens(MAX_TOKENS + 1), operationName="Q0")).json()
    assert "errors" not in under, under
    assert refusals(over) == {"TOO_MANY_TOKENS"}


async def test_page_size_just_under_and_just_over(caller: Caller):
    under = (await caller.query(page_query(MAX_PAGE_SIZE))).json()
    over = (await caller.query(page_query(MAX_PAGE_SIZE + 1))).json()
    assert refusals(under) == set()
    if caller.signed_in:  # a patient is no professional: the list is empty, yet answers
        assert under["data"]["patients"] == {"totalCount": 0}
        assert refusals(over) == {"BAD_PAGE_SIZE"}
    else:  # nobody to list for: refused as unauthenticated before the size matters
        assert codes(over) == codes(under) == ["UNAUTHENTICATED"]


async def test_batch_just_under_and_just_over(caller: Caller):
    operation = {"query": "{ __typename }"}
    under = await caller.post([operation] * MAX_BATCH_OPERATIONS)
    over = await caller.post([operation] * (MAX_BATCH_OPERATIONS + 1))
    assert under.status_code == 200
    assert [answer["data"] for answer in under.json()] == [{"__typename": "Query"}] * 10
    assert over.status_code == 400
    assert refusals(over.json()) == {"TOO_MANY_OPERATIONS"}


COSTLY = ("query($pages: Int!, $entries: Int!) { me { __typename } %s"
          "patients(first: $pages) { items { history(first: $entries) { items { id } } } } }")
# 1 (me) + 1 (the page) + 98 patients x (1 + 1 (their page) + 49 entries): 5000 points.
AT_THE_LIMIT = {"pages": 98, "entries": 49}


async def test_cost_just_under_and_just_over(caller: Caller):
    assert MAX_QUERY_COST == 5000, "AT_THE_LIMIT is worked out for 5000"
    under = (await caller.query(COSTLY % "", AT_THE_LIMIT)).json()
    over = (await caller.query(COSTLY % "again: me { __typename } ", AT_THE_LIMIT)).json()
    assert refusals(under) == set()
    assert under["extensions"]["cost"]["requested"] == MAX_QUERY_COST
    assert refusals(over) == {"QUERY_TOO_COSTLY"}
    assert over["data"] is None
    assert over["extensions"]["cost"]["requested"] == MAX_QUERY_COST + 1
    refusal = over["errors"][0]["extensions"]
    assert refusal["cost"] == {"requested": MAX_QUERY_COST + 1, "maximum": MAX_QUERY_COST}
