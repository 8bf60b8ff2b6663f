"""Operations registered for an app, and allowlist mode, over HTTP with real bearer tokens."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.identity.models import Account
from api.oauth.operation_file import Operation, read_operations, sha256_of
from api.oauth.operations import register_operations
from api.root.schema import schema
from api.security import csrf
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.oauth.support import (
    app_client,
    codes,
    connect_app,
    give_record_entries,
    register,
)

OPERATIONS = """
query Allergies { me { patient { allergies { items { substance } } } } }

query Treatments { me { patient { ...Meds } } }

fragment Meds on Patient { treatments { items { medication } } }
"""
OTHER_QUERY = "query Other { me { patient { id } } }"
SCOPES = "allergies.read treatments.read"


def operations() -> dict[str, Operation]:
    return {op.name: op for op in read_operations(OPERATIONS, schema._schema)}


def persisted(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


class AppCaller:
    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    async def post(self, **payload: Any) -> dict[str, Any]:
        answer = await self.http.post("/graphql", json=payload, headers=self.headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def get_by_hash(self, sha256: str) -> dict[str, Any]:
        answer = await self.http.get("/graphql", headers=self.headers,
                                     params={"extensions": json.dumps(persisted(sha256))})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


async def connected(client: httpx.AsyncClient, http: httpx.AsyncClient,
                    settings: Settings, allowlist: bool | None) -> tuple[AppCaller, str]:
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    csrf_token = await sign_in(client, account, settings.secret_key)
    registered = await register(SCOPES)
    await register_operations(registered.client_id, list(operations().values()), allowlist)
    tokens = await connect_app(client, http, registered, SCOPES)
    return AppCaller(http, tokens["access_token"]), csrf_token


async def test_an_app_in_allowlist_mode_runs_its_registered_operations_by_hash(
        client, app, settings, db) -> None:
    async with app_client(app) as http:
        caller, _ = await connected(client, http, settings, allowlist=True)
        allergies, treatments = operations()["Allergies"], operations()["Treatments"]
        # Known at once: no PERSISTED_QUERY_NOT_FOUND round trip for a registered operation.
        by_get = await caller.get_by_hash(allergies.sha256)
        by_post = await caller.post(extensions=persisted(treatments.sha256))
        by_text = await caller.post(query=allergies.query)
    assert by_get["data"]["me"]["patient"]["allergies"]["items"] == [{"substance": "Birch pollen"}]
    assert by_post["data"]["me"]["patient"]["treatments"]["items"] == [
        {"medication": "Cetirizine"}]
    assert by_text["data"] == by_get["data"]


@pytest.mark.parametrize("how", ["text", "hash", "hash_and_text", "get_hash"])
async def test_an_app_in_allowlist_mode_may_run_nothing_else(client, app, settings, db,
                                                              how) -> None:
    async with app_client(app) as http:
        caller, _ = await connected(client, http, settings, allowlist=True)
        other = sha256_of(OTHER_QUERY)
        if how == "text":
            body = await caller.post(query=OTHER_QUERY)
        elif how == "hash":
            body = await caller.post(extensions=persisted(other))
        elif how == "hash_and_text":
            body = await caller.post(query=OTHER_QUERY, extensions=persisted(other))
        else:
            body = await caller.get_by_hash(other)
        # Nor did the refused text become a known persisted query.
        again = await caller.post(extensions=persisted(other))
    assert body.get("data") is None and codes(body) == ["PERSISTED_QUERY_NOT_ALLOWED"]
    assert codes(again) == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_a_batch_refuses_each_unregistered_operation_alone(client, app, settings,
                                                                 db) -> None:
    async with app_client(app) as http:
        caller, _ = await connected(client, http, settings, allowlist=True)
        answer = await http.post("/graphql", headers=caller.headers, json=[
            {"query": operations()["Allergies"].query}, {"query": OTHER_QUERY}])
    first, second = answer.json()
    assert first["data"]["me"]["patient"]["allergies"]["items"]
    assert codes(second) == ["PERSISTED_QUERY_NOT_ALLOWED"]


async def test_without_allowlist_mode_registered_operations_are_known_and_others_run(
        client, app, settings, db) -> None:
    async with app_client(app) as http:
        caller, _ = await connected(client, http, settings, allowlist=False)
        known = await caller.get_by_hash(operations()["Allergies"].sha256)
        other = await caller.post(query=OTHER_QUERY)
        unknown = await caller.post(extensions=persisted(sha256_of(OTHER_QUERY + " ")))
    assert known["data"]["me"]["patient"]["allergies"]["items"]
    assert "errors" not in other and other["data"]["me"]["patient"]["id"]
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_one_apps_operations_are_neither_known_to_nor_binding_on_others(
        client, app, settings, db) -> None:
    async with app_client(app) as http:
        _, csrf_token = await connected(client, http, settings, allowlist=True)
        other_app = await register(SCOPES, name="Other App")
        tokens = await connect_app(client, http, other_app, SCOPES)
        other = AppCaller(http, tokens["access_token"])
        by_hash = await other.post(extensions=persisted(operations()["Allergies"].sha256))
        free = await other.post(query=OTHER_QUERY)
        # Nor on the person's own browser session.
        session = await client.post("/graphql", json={"query": OTHER_QUERY},
                                    headers={csrf.HEADER: csrf_token})
    assert codes(by_hash) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert "errors" not in free
    assert session.status_code == 200 and "errors" not in session.json()
