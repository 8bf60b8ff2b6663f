"""Whatever a client sends to any mutation, it gets a coded answer: never a 5xx, never an
error without `extensions.code`, never the masked "Unexpected error.".

Hypothesis builds each mutation's variables from its argument types in `schema.graphql`
(required fields, optional ones, lists, enums, every scalar), and at every level may put a
value of the wrong type instead; strings mix control characters and lone surrogates in.
Requests go over HTTP to the ASGI app as a signed-in patient, whose own id is among the
ids drawn, so the resolvers (not only the coercion) see what is drawn.
CARNET_BAD_INPUT_EXAMPLES sets the number of requests (150 by default).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import httpx
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    build_schema,
)
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.identity.models import Account
from api.security import csrf
from api.settings import Settings
from tests.factories import make_patient, make_professional, sign_in

SDL = build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
MUTATIONS: dict[str, GraphQLField] = dict(SDL.mutation_type.fields)  # type: ignore[union-attr]
# Enough to cross every mutation in CI; CARNET_BAD_INPUT_EXAMPLES draws more.
EXAMPLES = int(os.environ.get("CARNET_BAD_INPUT_EXAMPLES", "150"))
ODD_TEXT = ["\x00", "\ud800", "\x1b[2J", "\u0085", "a\nb", "\t", "²", "٣", " ", "",
            "9" * 30, "0000-01-01", "2024-02-30", "10000-01-01T00:00:00Z"]

json_garbage = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(), st.text(max_size=12), st.sampled_from(ODD_TEXT),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(),
                                                         max_size=2))
odd_strings = st.one_of(st.text(max_size=40), st.sampled_from(ODD_TEXT),
                        st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x9f),
                                max_size=8))


def scalar_values(name: str, ids: list[str]) -> st.SearchStrategy[Any]:
    if name == "ID":
        return st.one_of(st.sampled_from(ids), st.integers(min_value=-5, max_value=2**40),
                         st.text("0123456789²٣-", max_size=12))
    if name == "Int":
        return st.one_of(st.integers(min_value=-(2**40), max_value=2**40), st.floats())
    if name == "Float":
        return st.one_of(st.floats(), st.integers(min_value=-(2**70), max_value=2**70))
    if name == "Boolean":
        return st.booleans()
    if name == "Date":
        return st.one_of(st.dates().map(lambda day: day.isoformat()),
                         st.from_regex(r"\d{4,5}-\d{1,2}-\d{1,2}", fullmatch=True))
    if name == "DateTime":
        return st.one_of(
            st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat()),
            st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?",
                          fullmatch=True))
    return odd_strings  # String, and Upload (which JSON cannot carry anyway)


def values_for(type_: GraphQLInputType, ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of the right shape most of the time, and anything JSON at every level."""
    if isinstance(type_, GraphQLNonNull):
        return values_for(type_.of_type, ids, depth)
    if isinstance(type_, GraphQLList):
        typed = st.lists(values_for(type_.of_type, ids, depth + 1), max_size=3)
    elif isinstance(type_, GraphQLInputObjectType):
        required = {name: values_for(field.type, ids, depth + 1)
                    for name, field in type_.fields.items()
                    if isinstance(field.type, GraphQLNonNull) and field.default_value is None}
        optional = {name: values_for(field.type, ids, depth + 1)
                    for name, field in type_.fields.items() if name not in required}
        typed = st.fixed_dictionaries(required, optional=optional)
    elif isinstance(type_, GraphQLEnumType):
        typed = st.one_of(st.sampled_from(list(type_.values)), st.text(max_size=8))
    else:
        assert isinstance(type_, GraphQLScalarType)
        typed = scalar_values(type_.name, ids)
    return st.one_of(typed, typed, typed, json_garbage)


def operation(name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${arg}: {argument.type}" for arg, argument in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    return f"mutation({declared}) {{ {name}({passed}) {{ __typename }} }}"


def requests(ids: list[str]) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    def for_mutation(name: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
        field = MUTATIONS[name]
        arguments = st.fixed_dictionaries(
            {arg: values_for(argument.type, ids) for arg, argument in field.args.items()})
        return st.tuples(st.just(operation(name, field)), arguments)
    return st.sampled_from(sorted(MUTATIONS)).flatmap(for_mutation)


async def ask(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]
              ) -> httpx.Response:
    # json.dumps keeps NaN and escapes lone surrogates, as a careless client would send them.
    body = json.dumps({"query": query, "variables": variables}).encode()
    return await client.post("/graphql", content=body, headers={
        csrf.HEADER: token, "content-type": "application/json"})


def assert_coded(response: httpx.Response, query: str, variables: dict[str, Any]) -> None:
    where = f"{query} with {variables!r}: {response.text[:500]}"
    assert response.status_code < 500, where
    body = response.json()
    for error in body.get("errors") or []:
        assert (error.get("extensions") or {}).get("code"), where
        assert error["message"] != "Unexpected error.", where


async def test_no_mutation_input_gets_a_5xx_or_an_uncoded_error(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient()
    professional = await make_professional()
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    ids = [str(patient.id), str(professional.id), "1", "2"]
    loop = asyncio.get_running_loop()
    drawn: list[str] = []

    # Hypothesis drives the draws from a worker thread; each request runs on the test's loop.
    @given(request=requests(ids))
    @hypothesis_settings(max_examples=EXAMPLES, database=None,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.data_too_large])
    def one_request(request: tuple[str, dict[str, Any]]) -> None:
        query, variables = request
        drawn.append(query.split("{", 2)[1].split("(", 1)[0].strip())
        response = asyncio.run_coroutine_threadsafe(
            ask(client, token, query, variables), loop).result()
        assert_coded(response, query, variables)

    await asyncio.to_thread(one_request)
    assert len(set(drawn)) >= len(MUTATIONS) // 2  # the draws did go through the mutations
