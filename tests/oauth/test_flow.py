"""The whole OAuth flow over HTTP: sign in, consent, code, token, GraphQL with the bearer."""

from __future__ import annotations

import time

import httpx
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from api.identity.models import Account
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.oauth.support import (
    RECORD_QUERY,
    app_client,
    authorize_url,
    bearer_query,
    codes,
    consent,
    exchange,
    give_record_entries,
    pkce,
    redirect_params,
    register,
)


async def test_an_app_reads_the_allergies_it_was_allowed_to(client: httpx.AsyncClient, app,
                                                              settings: Settings) -> None:
    patient = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read treatments.read")
    verifier, challenge = pkce()

    started = time.perf_counter()
    page = await client.get(authorize_url(registered.client_id, "allergies.read treatments.read",
                                          challenge))
    assert page.status_code == 200
    assert "Pollen Diary" in page.text and "Pollen Labs" in page.text  # the app and publisher
    answered = await consent(client, authorize_url(registered.client_id,
                                                   "allergies.read treatments.read", challenge),
                             untick=("treatments.read",))
    params = redirect_params(answered)
    assert params["state"] == "xyz"
    async with app_client(app) as http:
        tokens = await exchange(http, registered, params["code"], verifier)
        assert tokens.status_code == 200, tokens.text
        body = tokens.json()
        assert body["token_type"] == "Bearer" and body["scope"] == "allergies.read"
        assert 0 < body["expires_in"] <= 900 and body["refresh_token"]
        answer = await bearer_query(http, body["access_token"], RECORD_QUERY,
                                    {"id": str(patient.id)})
        elapsed = time.perf_counter() - started
    print(f"\nOAuth flow (authorize page -> consent -> token -> first query): "
          f"{elapsed * 1000:.0f} ms")
    assert answer.status_code == 200
    data = answer.json()
    assert data["data"]["patient"]["allergies"]["items"] == [{"substance": "Birch pollen"}]
    # The unticked scope was not given: treatments stay closed to the app.
    assert data["data"]["patient"]["treatments"] is None
    assert codes(data) == ["CONSENT_REQUIRED"]


async def test_a_bearer_request_needs_no_cookie_and_no_csrf_token(client, app, settings) -> None:
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.write allergies.read")
    verifier, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id,
                                                   "allergies.write allergies.read", challenge))
    async with app_client(app) as http:
        body = (await exchange(http, registered, redirect_params(answered)["code"],
                               verifier)).json()
        added = await bearer_query(
            http, body["access_token"],
            "mutation($id: ID!) { addAllergy(input: {patientId: $id, substance: \"Latex\"}) "
            "{ allergy { substance } userErrors { message } } }", {"id": str(patient.id)})
    assert added.status_code == 200, added.text
    assert added.json()["data"]["addAllergy"]["allergy"] == {"substance": "Latex"}


async def test_the_server_publishes_its_metadata(client) -> None:
    response = await client.get("https://testserver/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    metadata = AuthorizationServerMetadata(response.json())
    metadata.validate()
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "allergies.read" in metadata["scopes_supported"]
    assert "documents.deposit" in metadata["scopes_supported"]
    assert metadata["token_endpoint"].endswith("/oauth/token")
    assert metadata["revocation_endpoint"].endswith("/oauth/revoke")


async def test_a_confidential_app_authenticates_with_its_secret(client, app, settings) -> None:
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read", public=False)
    assert registered.secret
    verifier, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge))
    code = redirect_params(answered)["code"]
    async with app_client(app) as http:
        no_secret = await http.post("/oauth/token", data={
            "grant_type": "authorization_code", "code": code, "client_id": registered.client_id,
            "redirect_uri": "https://app.example/callback", "code_verifier": verifier})
        assert no_secret.status_code in (400, 401)
        assert no_secret.json()["error"] == "invalid_client"
        tokens = await exchange(http, registered, code, verifier)
    assert tokens.status_code == 200, tokens.text


async def test_with_a_bearer_token_the_session_cookie_is_not_used(client, app, settings) -> None:
    patient = await make_patient(email="camille@test.invalid")
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read")
    verifier, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge))
    async with app_client(app) as http:
        tokens = (await exchange(http, registered, redirect_params(answered)["code"],
                                 verifier)).json()
    # The person's own client, cookie included, sends the app's token: the app answers.
    as_app = await bearer_query(client, tokens["access_token"], "{ me { account { email } } }")
    assert as_app.status_code == 200  # no CSRF token, yet no CSRF refusal
    assert as_app.json()["data"]["me"]["account"]["email"] is None  # the app's view
    bad = await bearer_query(client, "wrong", "{ me { account { email } } }")
    assert bad.status_code == 401  # never a fall-back to the cookie
