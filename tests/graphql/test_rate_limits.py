"""Request rates per credential and per address, and cost budgets, in one process."""

from __future__ import annotations

import re

import pytest

from api.identity.models import Role
from tests.factories import make_account, make_patient, sign_in
from tests.graphql.callers import CALLER_KINDS, Caller, codes
from tests.oauth.support import ALL_READ_SCOPES, issue_token

KINDS = sorted(CALLER_KINDS)
SIGNED_IN_KINDS = ["bearer", "cookie"]


def costing(points: int) -> str:
    """A query that asks for, and gets, `points` objects whoever asks."""
    return "{ " + " ".join(f't{n}: __type(name: "Query") {{ name }}' for n in range(points)) + " }"


def assert_rate_limited(response, limit: str) -> int:
    assert response.status_code == 429
    assert codes(response.json()) == ["RATE_LIMITED"]
    extensions = response.json()["errors"][0]["extensions"]
    assert extensions["limit"] == limit
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= 3600 and extensions["retryAfter"] == retry_after
    return retry_after


@pytest.mark.parametrize("kind", KINDS)
async def test_the_address_limit_lets_three_through_and_refuses_the_fourth(
        limited_client, settings, kind):
    client = limited_client(per_address="3/hour")
    caller = await CALLER_KINDS[kind](client, settings)
    for _ in range(3):
        assert (await caller.query("{ __typename }")).status_code == 200
    assert_rate_limited(await caller.query("{ __typename }"), "address")
    assert_rate_limited(await caller.get("{ __typename }"), "address")


@pytest.mark.parametrize("kind", SIGNED_IN_KINDS)
async def test_the_token_limit_holds_one_credential_and_not_the_next(limited_client, settings,
                                                                    kind):
    client = limited_client(per_token="3/hour")
    caller = await CALLER_KINDS[kind](client, settings)
    for _ in range(3):
        assert (await caller.query("{ __typename }")).status_code == 200
    assert_rate_limited(await caller.query("{ __typename }"), "token")
    assert_rate_limited(await caller.get("{ __typename }"), "token")
    if kind == "cookie":
        other = await sign_in(client, await make_account(Role.PATIENT), settings.secret_key)
        fresh = Caller("cookie", client, {"x-csrf-token": other})
    else:
        fresh = await CALLER_KINDS[kind](client, settings)
    assert (await fresh.query("{ __typename }")).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
async def test_the_budget_refuses_a_query_costing_one_point_more_than_is_left(
        limited_client, settings, kind):
    client = limited_client(cost_budget="10/hour")
    caller = await CALLER_KINDS[kind](client, settings)
    spent = (await caller.query(costing(4))).json()["extensions"]["cost"]
    assert spent == {"requested": 4, "actual": 4, "maximum": 5000, "limit": 10, "remaining": 6}
    over = await caller.query(costing(7))
    assert_rate_limited(over, "cost")
    assert over.json()["extensions"]["cost"]["remaining"] == 6
    assert over.json()["errors"][0]["extensions"]["cost"]["requested"] == 7
    exact = await caller.query(costing(6))
    assert exact.status_code == 200 and "errors" not in exact.json()
    assert exact.json()["extensions"]["cost"]["remaining"] == 0
    assert_rate_limited(await caller.query(costing(1)), "cost")
    # A query that asks for no object costs nothing and still answers.
    assert (await caller.query("{ __typename }")).status_code == 200


@pytest.mark.parametrize("kind", SIGNED_IN_KINDS)
async def test_budgets_are_kept_per_person(limited_client, settings, kind):
    client = limited_client(cost_budget="5/hour")
    first = await CALLER_KINDS[kind](client, settings)
    assert (await first.query(costing(5))).json()["extensions"]["cost"]["remaining"] == 0
    assert_rate_limited(await first.query(costing(1)), "cost")
    second = await CALLER_KINDS[kind](client, settings)
    assert (await second.query(costing(5))).json()["extensions"]["cost"]["remaining"] == 0


@pytest.mark.parametrize("kind", SIGNED_IN_KINDS)
async def test_every_answer_carries_the_ratelimit_header_of_its_budget(limited_client, settings,
                                                                       kind):
    client = limited_client(cost_budget="100/hour")
    caller = await CALLER_KINDS[kind](client, settings)
    response = await caller.query(costing(3))
    assert response.headers["ratelimit-policy"] == '"cost";q=100'
    match = re.fullmatch(r'"cost";r=(\d+);t=(\d+)', response.headers["ratelimit"])
    assert match and int(match.group(1)) == 97 == response.json()["extensions"]["cost"]["remaining"]
    assert 0 < int(match.group(2)) <= 3600
    invalid = await caller.query("{ noSuchField }")
    assert invalid.json()["extensions"]["cost"]["remaining"] == 97
    assert invalid.headers["ratelimit"].startswith('"cost";r=97;')


async def test_pages_run_their_operations_outside_the_api_limits(limited_client, settings):
    client = limited_client(per_address="2/hour", per_token="2/hour", cost_budget="1/hour")
    caller = await CALLER_KINDS["cookie"](client, settings)
    for _ in range(4):
        page = await client.get("/", follow_redirects=True)
        assert page.status_code == 200
    assert (await caller.get("{ __typename }")).status_code == 200


async def test_an_unreachable_storage_lets_requests_through(limited_client, settings):
    client = limited_client(storage="redis://127.0.0.1:1/0", per_address="1/hour")
    caller = await CALLER_KINDS["anonymous"](client, settings)
    for _ in range(2):
        response = await caller.query(costing(1))
        assert response.status_code == 200
        assert response.json()["extensions"]["cost"]["limit"] is None


async def test_one_persons_budget_is_kept_apart_for_each_app_and_the_browser(limited_client,
                                                                             settings):
    client = limited_client(cost_budget="5/hour")
    patient = await make_patient()
    account = await patient.account
    assert account is not None
    diary = Caller("bearer", client, {"Authorization": "Bearer " + await issue_token(
        account, ALL_READ_SCOPES, name="Diary")})
    assert (await diary.query(costing(5))).json()["extensions"]["cost"]["remaining"] == 0
    assert_rate_limited(await diary.query(costing(1)), "cost")
    other_app = Caller("bearer", client, {"Authorization": "Bearer " + await issue_token(
        account, ALL_READ_SCOPES, name="Scale")})
    assert (await other_app.query(costing(5))).json()["extensions"]["cost"]["remaining"] == 0
    browser = Caller("cookie", client,
                     {"x-csrf-token": await sign_in(client, account, settings.secret_key)})
    assert (await browser.query(costing(5))).json()["extensions"]["cost"]["remaining"] == 0
