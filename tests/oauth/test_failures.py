"""Each way the OAuth flow must fail, as the app and the person would notice it."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from api import clock
from api.identity.models import Account, AccountStatus
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.oauth.support import (
    RECORD_QUERY,
    REDIRECT_URI,
    app_client,
    authorize_url,
    bearer_query,
    connect_app,
    consent,
    exchange,
    give_record_entries,
    pkce,
    redirect_params,
    refresh,
    register,
)


@pytest.fixture
async def person(client: httpx.AsyncClient, settings: Settings):  # type: ignore[no-untyped-def]
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    await sign_in(client, account, settings.secret_key)
    return patient


async def _code(client: httpx.AsyncClient, client_id: str, challenge: str) -> str:
    answered = await consent(client, authorize_url(client_id, "allergies.read", challenge))
    return redirect_params(answered)["code"]


async def test_a_wrong_verifier_gets_no_token(client, app, person) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    code = await _code(client, registered.client_id, challenge)
    other_verifier, _ = pkce()
    async with app_client(app) as http:
        response = await exchange(http, registered, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_the_plain_method_is_refused(client, person) -> None:
    registered = await register("allergies.read")
    verifier, _ = pkce()
    url = authorize_url(registered.client_id, "allergies.read", verifier, method="plain")
    response = await client.get(url)
    params = redirect_params(response)
    assert params["error"] == "invalid_request" and "S256" in params["error_description"]


async def test_an_authorization_without_pkce_is_refused(client, person) -> None:
    registered = await register("allergies.read")
    response = await client.get(authorize_url(registered.client_id, "allergies.read", None))
    assert redirect_params(response)["error"] == "invalid_request"


async def test_a_code_used_twice_fails_and_ends_the_tokens_it_gave(client, app, person) -> None:
    registered = await register("allergies.read")
    verifier, challenge = pkce()
    code = await _code(client, registered.client_id, challenge)
    async with app_client(app) as http:
        first = await exchange(http, registered, code, verifier)
        assert first.status_code == 200
        again = await exchange(http, registered, code, verifier)
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
        # The tokens from the first exchange are revoked too (RFC 6749 section 4.1.2).
        read = await bearer_query(http, first.json()["access_token"], RECORD_QUERY,
                                  {"id": str(person.id)})
    assert read.status_code == 401


async def test_a_redirect_uri_not_registered_is_never_redirected_to(client, person) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    url = authorize_url(registered.client_id, "allergies.read", challenge,
                        redirect_uri="https://evil.example/callback")
    response = await client.get(url)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert 'href="https://evil.example' not in response.text


async def test_the_token_request_must_repeat_the_same_redirect_uri(client, app, person) -> None:
    registered = await register("allergies.read")
    verifier, challenge = pkce()
    code = await _code(client, registered.client_id, challenge)
    async with app_client(app) as http:
        response = await exchange(http, registered, code, verifier,
                                  redirect_uri=REDIRECT_URI + "/other")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_an_app_not_in_the_catalogue_cannot_be_authorised(client, person) -> None:
    registered = await register("allergies.read", approved=False)
    _, challenge = pkce()
    response = await client.get(authorize_url(registered.client_id, "allergies.read",
                                              challenge))
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "catalogue" in response.text


async def test_a_scope_the_app_was_not_registered_for_is_refused(client, person) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    response = await client.get(authorize_url(registered.client_id,
                                              "allergies.read treatments.read", challenge))
    assert redirect_params(response)["error"] == "invalid_scope"


async def test_refusing_sends_the_app_access_denied(client, person) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge), decision="deny")
    assert redirect_params(answered)["error"] == "access_denied"


async def test_unticking_every_scope_is_a_refusal(client, person) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge), untick=("allergies.read",))
    assert redirect_params(answered)["error"] == "access_denied"


async def test_an_expired_access_token_is_401(client, app, person) -> None:
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        with clock.frozen_at(clock.now() + timedelta(minutes=11)):
            response = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                          {"id": str(person.id)})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_a_made_up_token_is_401(app, db) -> None:
    async with app_client(app) as http:
        response = await bearer_query(http, "not-a-token", "{ me { account { email } } }")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_a_revoked_token_is_401_on_the_next_request(client, app, person) -> None:
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        revoked = await http.post("/oauth/revoke", data={
            "token": tokens["refresh_token"], "token_type_hint": "refresh_token",
            "client_id": registered.client_id})
        assert revoked.status_code == 200
        read = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                  {"id": str(person.id)})
        assert read.status_code == 401
        again = await refresh(http, registered, tokens["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_family(
        client, app, person) -> None:
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        rotated = await refresh(http, registered, tokens["refresh_token"])
        assert rotated.status_code == 200, rotated.text
        fresh = rotated.json()
        assert fresh["refresh_token"] != tokens["refresh_token"]
        ok = await bearer_query(http, fresh["access_token"], RECORD_QUERY,
                                {"id": str(person.id)})
        assert ok.status_code == 200
        # The old refresh token comes back (stolen): refused, and the whole family ends.
        reused = await refresh(http, registered, tokens["refresh_token"])
        assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
        after = await bearer_query(http, fresh["access_token"], RECORD_QUERY,
                                   {"id": str(person.id)})
        assert after.status_code == 401
        newest = await refresh(http, registered, fresh["refresh_token"])
    assert newest.status_code == 400


async def test_a_refresh_token_ends_after_90_days_without_use(client, app, person) -> None:
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        with clock.frozen_at(clock.now() + timedelta(days=89)):
            rotated = await refresh(http, registered, tokens["refresh_token"])
            assert rotated.status_code == 200
        with clock.frozen_at(clock.now() + timedelta(days=89 + 91)):
            late = await refresh(http, registered, rotated.json()["refresh_token"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


async def test_another_app_cannot_use_the_refresh_token(client, app, person) -> None:
    registered = await register("allergies.read")
    other = await register("allergies.read", name="Other")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        stolen = await refresh(http, other, tokens["refresh_token"])
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"


async def test_the_token_of_a_closed_account_is_401(client, app, person) -> None:
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        await Account.filter(id=person.account_id).update(status=AccountStatus.CLOSED)
        response = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                      {"id": str(person.id)})
    assert response.status_code == 401
