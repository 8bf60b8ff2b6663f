"""Every bad input gets a clear, coded JSON error naming the field; never a 500 or a mask."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.identity.models import Account
from api.security import csrf
from api.settings import Settings
from tests.factories import make_patient, make_professional, sign_in
from tests.graphql.bad_input_cases import ADD_ALLERGY, ADD_MEASUREMENT, CASES, NOW, Case


@dataclass
class World:
    client: httpx.AsyncClient
    csrf: str
    ids: dict[str, str]


@pytest.fixture
async def world(client: httpx.AsyncClient, settings: Settings) -> World:
    patient = await make_patient()
    professional = await make_professional()
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    world = World(client, token, {"patient": str(patient.id),
                                  "professional": str(professional.id)})
    made = await post(world, ADD_ALLERGY, {"input": {"patientId": str(patient.id),
                                                    "substance": "Pollen"}})
    world.ids["allergy"] = made.json()["data"]["addAllergy"]["allergy"]["id"]
    made = await post(world, ADD_MEASUREMENT, {"input": {
        "patientId": str(patient.id), "kind": "WEIGHT", "value": 70, "measuredAt": NOW}})
    world.ids["measurement"] = made.json()["data"]["addMeasurement"]["measurement"]["id"]
    return world


def filled(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, real in ids.items():
            value = value.replace("{" + name + "}", real)
        return value
    if isinstance(value, dict):
        return {key: filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, ids) for item in value]
    return value


async def post(world: World, query: str, variables: dict[str, Any]) -> httpx.Response:
    return await world.client.post("/graphql", json={"query": query, "variables": variables},
                                   headers={csrf.HEADER: world.csrf})


async def send(world: World, case: Case) -> httpx.Response:
    if case.raw is None:
        return await post(world, case.query, filled(case.variables, world.ids))
    body = case.raw
    for name, real in world.ids.items():
        body = body.replace(b"{" + name.encode() + b"}", real.encode())
    return await world.client.post("/graphql", content=body, headers={
        csrf.HEADER: world.csrf, "content-type": "application/json"})


def problems(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(code, field) of every top-level error and every userError of the answer."""
    found = [(error["extensions"]["code"], error["extensions"].get("field"))
             for error in body.get("errors") or []]
    for payload in (body.get("data") or {}).values():
        for error in (payload or {}).get("userErrors", []) if isinstance(payload, dict) else []:
            found.append((error["code"], error["field"]))
    return found


def assert_coded(body: dict[str, Any]) -> None:
    """The promises that hold for any answer: a code on every error, nothing masked."""
    for error in body.get("errors") or []:
        assert error.get("extensions", {}).get("code"), error
        assert error["message"] != "Unexpected error.", error


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_bad_input_gets_a_coded_error_naming_the_field(world: World, case: Case) -> None:
    response = await send(world, case)

    assert response.status_code == case.status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert_coded(body)
    found = problems(body)
    if case.field is None:
        assert case.code in [code for code, _ in found], found
    else:
        assert (case.code, case.field) in found, found
    for payload in (body.get("data") or {}).values():
        assert not (isinstance(payload, dict) and any(
            isinstance(item, dict) and item.get("id") for item in payload.values())), payload


async def test_bad_bodies_are_coded_without_signing_in(client: httpx.AsyncClient) -> None:
    for raw in (b'"just a string"', b"\xff\xfe\x00", b"[1]", b"true"):
        response = await client.post("/graphql", content=raw,
                                     headers={"content-type": "application/json"})
        assert response.status_code == 400, (raw, response.text)
        assert json.loads(response.text)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_tab_and_line_breaks_are_kept_in_a_note(world: World) -> None:
    note = "Première ligne\r\n\tseconde ligne\nfin"
    response = await post(world, ADD_ALLERGY, {"input": {
        "patientId": world.ids["patient"], "substance": "Latex", "note": note}})
    payload = response.json()["data"]["addAllergy"]
    assert payload["userErrors"] == [] and payload["allergy"]["id"]


@pytest.mark.parametrize("params", [
    {"query": "{ me { patient { id } } }", "variables": "not json"},
    {"query": "{ me { patient { id } } }", "variables": '"a string"'},
    {"query": "{ me { patient { id } } }", "variables": "[1]"},
    {"query": "query($id: ID!) { allergy(id: $id) { id } }", "variables": '{"id": {"a": 1}}'},
])
async def test_a_query_over_get_with_bad_variables_is_coded(world: World,
                                                            params: dict[str, str]) -> None:
    # A signed-in GET carries the CSRF header too (its reads go to the access history).
    response = await world.client.get("/graphql", params=params,
                                      headers={csrf.HEADER: world.csrf})
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body["errors"] and all(error["extensions"]["code"] in ("BAD_REQUEST", "BAD_USER_INPUT")
                                  for error in body["errors"]), body
    assert_coded(body)


@pytest.mark.parametrize("form", [
    {"operations": '"a string"', "map": '{"0": ["variables.input.file"]}'},
    {"operations": '{"query": "{ me { id } }"}', "map": '"a string"'},
    {"operations": '{"query": "{ me { id } }"}', "map": '{"0": ["variables.nowhere.file"]}'},
    {"operations": "{", "map": "{}"},
])
async def test_a_malformed_multipart_request_is_coded(world: World, form: dict[str, str]) -> None:
    response = await world.client.post("/graphql", data=form,
                                       files={"0": ("a.pdf", b"%PDF-1.4", "application/pdf")},
                                       headers={csrf.HEADER: world.csrf})
    assert response.status_code in (200, 400), response.text
    assert_coded(response.json())
    assert response.json()["errors"], response.text


async def test_a_text_refusal_is_written_in_the_viewers_language(world: World) -> None:
    variables = {"input": {"patientId": world.ids["patient"], "substance": "a\x00b"}}
    french = (await post(world, ADD_ALLERGY, variables)).json()["errors"][0]["message"]
    world.client.cookies.set("carnet_lang", "en")
    english = (await post(world, ADD_ALLERGY, variables)).json()["errors"][0]["message"]
    assert french == "`input.substance`\u202f: le caractère de contrôle U+0000 n'est pas permis " \
        "dans un texte."
    assert english == "`input.substance`: the control character U+0000 is not allowed in text."
