"""Every route caps its body before reading it; GraphQL also caps its query and URL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from starlette.routing import Route

from api.graphql.limits import MAX_QUERY_CHARS
from api.identity.models import Account
from api.records.documents.limits import MAX_BODY_BYTES as UPLOAD_BODY_BYTES
from api.security.limits import (
    FORM_BODY_BYTES,
    GRAPHQL_BODY_BYTES,
    MAX_QUERY_STRING_BYTES,
    SIGN_IN_BODY_BYTES,
    body_limit_for,
    route_limits,
)
from tests.factories import make_patient, sign_in

LIMITS = route_limits(upload_bytes=UPLOAD_BODY_BYTES)


def _post_paths(app) -> list[str]:
    paths = set()
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            paths.add(re.sub(r"\{[^}]+\}", "1", route.path))
    return sorted(paths)


def _scope(path: str, content_type: str = "application/x-www-form-urlencoded") -> dict:
    return {"type": "http", "path": path, "headers": [(b"content-type", content_type.encode())]}


@pytest.mark.parametrize(("path", "content_type", "limit"), [
    ("/graphql", "application/json", GRAPHQL_BODY_BYTES),
    ("/graphql", "multipart/form-data; boundary=x", UPLOAD_BODY_BYTES),
    ("/signin", "application/x-www-form-urlencoded", SIGN_IN_BODY_BYTES),
    ("/signin/code", "application/x-www-form-urlencoded", SIGN_IN_BODY_BYTES),
    ("/activate", "application/x-www-form-urlencoded", SIGN_IN_BODY_BYTES),
    ("/records/1/directives", "application/x-www-form-urlencoded", FORM_BODY_BYTES),
    ("/documents/upload", "multipart/form-data; boundary=x", None),  # the route caps itself
    ("/signinx", "application/x-www-form-urlencoded", FORM_BODY_BYTES),
])
def test_each_route_has_the_cap_that_suits_it(path, content_type, limit):
    assert body_limit_for(_scope(path, content_type), LIMITS) == limit


async def test_every_post_route_refuses_a_body_announcing_more_than_its_cap_unread(app, client):
    paths = _post_paths(app)
    assert "/graphql" in paths and "/signin" in paths and "/documents/upload" in paths
    for path in paths:
        limit = body_limit_for(_scope(path), LIMITS) or UPLOAD_BODY_BYTES
        # The body is a few bytes: had the server waited to read what was announced,
        # the test would hang rather than get an answer.
        response = await client.post(path, content=b"x=1", headers={
            "content-type": "application/x-www-form-urlencoded",
            "content-length": str(limit + 1)})
        assert response.status_code == 413, f"{path} answered {response.status_code}"


async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * min(size, total - sent)
        sent += size


async def test_a_page_form_without_a_length_is_stopped_at_its_cap(client, settings):
    patient = await make_patient(email="a@test.invalid")
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    response = await client.post(
        f"/records/{patient.id}/directives", content=_chunks(FORM_BODY_BYTES + 1),
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrf-token": token})
    assert response.status_code == 413
    assert "too large" in response.text


async def test_a_sign_in_form_is_refused_past_a_few_kilobytes(client):
    response = await client.post("/signin", content=_chunks(SIGN_IN_BODY_BYTES + 1),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


async def test_a_graphql_body_without_a_length_is_stopped_at_its_cap(client):
    body = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * GRAPHQL_BODY_BYTES + b'"}}'

    async def streamed() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    response = await client.post("/graphql", content=streamed(),
                                 headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"


def _comment_query(length: int) -> str:
    query = "{ __typename }\n"
    return "#" + "x" * (length - len(query) - 2) + "\n" + query


@pytest.mark.parametrize(("length", "status"), [(MAX_QUERY_CHARS, 200),
                                                (MAX_QUERY_CHARS + 1, 413)])
async def test_the_query_text_is_measured_before_it_is_parsed(client, length, status):
    query = _comment_query(length)
    assert len(query) == length
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == status
    if status == 413:
        assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
    else:
        assert response.json()["data"] == {"__typename": "Query"}


async def test_a_long_query_in_the_url_is_refused(client):
    long_url = await client.get("/graphql", params={"query": _comment_query(10_000)})
    assert long_url.status_code == 414
    assert long_url.json()["errors"][0]["extensions"]["code"] == "URL_TOO_LONG"
    short = await client.get("/graphql", params={"query": "{ __typename }"})
    assert short.json()["data"] == {"__typename": "Query"}


async def test_a_long_query_string_is_refused_on_pages_too(client):
    response = await client.get("/signin", params={"next": "/" + "a" * MAX_QUERY_STRING_BYTES})
    assert response.status_code == 414


async def test_a_large_upload_stays_within_its_own_cap(client):
    response = await client.post("/graphql", content=b"--x--\r\n", headers={
        "content-type": "multipart/form-data; boundary=x",
        "content-length": str(UPLOAD_BODY_BYTES + 1)})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_LARGE"


async def test_json_nested_too_deeply_for_the_parser_is_refused_not_a_server_error(client):
    nested = b"[" * 100_000 + b"]" * 100_000  # 200 KB: within the body cap
    body = b'{"query": "{ __typename }", "variables": {"a": ' + nested + b"}}"
    response = await client.post("/graphql", content=body,
                                 headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "JSON_TOO_DEEP"


async def test_a_batch_is_bounded_and_each_operation_meets_the_limits(client):
    # Batches are allowed (10 operations at most, tests/graphql/test_query_limits.py); a
    # batch must not carry past the per-query limits: each operation is checked on its own.
    long_query = "{ __typename }" + " " * (MAX_QUERY_CHARS + 1)
    response = await client.post("/graphql", json=[{"query": "{ __typename }"},
                                                   {"query": long_query}])
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"
