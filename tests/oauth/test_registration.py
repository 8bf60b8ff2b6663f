"""Registering and approving apps, and what the database keeps of secrets and tokens."""

from __future__ import annotations

import pytest

from api.identity.models import Account
from api.oauth import services
from api.oauth.models import AuthorizationCode, OAuthApp, OAuthToken
from tests.factories import make_patient, sign_in
from tests.oauth.support import app_client, connect_app, register


@pytest.mark.parametrize("uri", ["http://app.example/cb", "https://app.example/cb#frag",
                                 "/relative", "javascript:alert(1)"])
async def test_unsafe_redirect_uris_are_refused(db, uri: str) -> None:
    with pytest.raises(services.AppError):
        await services.register_app(name="A", publisher="P", redirect_uris=[uri],
                                    scopes="allergies.read", confidential=True)


@pytest.mark.parametrize("uri", ["https://app.example/cb", "http://localhost:8765/cb",
                                 "http://127.0.0.1/cb", "org.example.app:/callback"])
async def test_https_loopback_and_private_scheme_redirect_uris_are_accepted(db, uri) -> None:
    app, _ = await services.register_app(name="A", publisher="P", redirect_uris=[uri],
                                         scopes="allergies.read", confidential=True)
    assert app.redirect_uris == uri


async def test_unknown_scopes_are_refused(db) -> None:
    with pytest.raises(services.AppError, match="unknown scopes"):
        await services.register_app(name="A", publisher="P", redirect_uris=["https://a.b/c"],
                                    scopes="allergies.read everything", confidential=True)


async def test_a_public_app_has_no_secret_and_a_confidential_one_only_its_hash(db) -> None:
    public, none = await services.register_app(
        name="Mobile", publisher="P", redirect_uris=["org.example.app:/cb"],
        scopes="allergies.read", confidential=False)
    server, secret = await services.register_app(
        name="Server", publisher="P", redirect_uris=["https://a.example/cb"],
        scopes="allergies.read", confidential=True)
    assert none is None and public.client_secret_hash is None
    assert secret and server.client_secret_hash and secret not in server.client_secret_hash


async def test_only_approved_apps_are_in_the_catalogue(client, db) -> None:
    await register("allergies.read", approved=False, name="Waiting App")
    await register("allergies.read", name="Approved App")
    assert [app.name for app in await services.catalogue()] == ["Approved App"]
    page = await client.get("/apps")
    assert "Approved App" in page.text and "Waiting App" not in page.text
    with pytest.raises(services.AppError):
        await services.approve_app("no-such-client")


async def test_codes_and_tokens_are_stored_hashed(client, app, settings) -> None:
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
    [row] = await OAuthToken.all()
    stored = " ".join(str(value) for value in (await OAuthToken.all().values())[0].values())
    assert tokens["access_token"] not in stored and tokens["refresh_token"] not in stored
    assert row.access_token_hash and row.refresh_token_hash
    assert await AuthorizationCode.filter(used_at__isnull=False).count() == 1
    assert await OAuthApp.all().count() == 1
