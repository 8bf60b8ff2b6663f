"""Introspection in production: refused to anonymous and cookie callers, with a code; open to
the bearer tokens of registered apps."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from api.graphql.introspection import introspection_allowed
from api.settings import Settings
from tests.graphql.callers import CALLER_KINDS, codes
from web.app import create_app

INTROSPECTION = [
    "{ __schema { queryType { name } } }",
    '{ __type(name: "Patient") { fields { name } } }',
    "{ me { account { email } } ...Deep } fragment Deep on Query { __schema { types { name } } }",
]


@pytest.fixture
async def production_client(settings: Settings, db: None):
    app = create_app(dataclasses.replace(settings, env="production"), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="https://testserver") as http:
        yield http


REFUSED_KINDS = ["anonymous", "cookie"]


def test_every_caller_kind_is_tried():
    assert set(CALLER_KINDS) == {*REFUSED_KINDS, "bearer"}


@pytest.mark.parametrize("kind", REFUSED_KINDS)
@pytest.mark.parametrize("query", INTROSPECTION)
async def test_production_refuses_introspection(production_client, settings, kind, query):
    caller = await CALLER_KINDS[kind](production_client, settings)
    for response in (await caller.query(query), await caller.get(query)):
        assert codes(response.json()) == ["INTROSPECTION_DISABLED"]
        assert response.json()["data"] is None


@pytest.mark.parametrize("query", INTROSPECTION)
async def test_production_lets_a_registered_apps_token_introspect(production_client, settings,
                                                                  query):
    caller = await CALLER_KINDS["bearer"](production_client, settings)
    for response in (await caller.query(query), await caller.get(query)):
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        assert body["data"].get("__schema") or body["data"].get("__type")


async def test_production_refuses_introspection_to_a_dead_token(production_client, settings):
    caller = await CALLER_KINDS["bearer"](production_client, settings)
    caller.headers["Authorization"] = "Bearer not-a-token-anyone-issued"
    response = await caller.query(INTROSPECTION[0])
    assert response.status_code == 401 and codes(response.json()) == ["INVALID_TOKEN"]


@pytest.mark.parametrize("kind", sorted(CALLER_KINDS))
async def test_production_still_answers_typename_and_queries(production_client, settings, kind):
    caller = await CALLER_KINDS[kind](production_client, settings)
    body = (await caller.query("{ __typename me { account { email } } }")).json()
    assert "errors" not in body and body["data"]["__typename"] == "Query"


async def test_development_answers_introspection(client, settings):
    caller = await CALLER_KINDS["anonymous"](client, settings)
    body = (await caller.query(INTROSPECTION[0])).json()
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


def test_only_a_registered_app_may_introspect():
    assert not introspection_allowed(None)
    assert introspection_allowed("registered-app")
