"""CSRF on every state-changing route, security headers, masked errors."""

import re

from starlette.routing import Route

from api.identity.models import Account
from tests.factories import make_patient, sign_in

# OAuth endpoints an app calls with its own credentials; cookies play no part there.
APP_AUTHENTICATED = {"/oauth/token", "/oauth/revoke"}


def _post_routes(app):
    found = []
    for route in app.routes:
        methods = route.methods or set() if isinstance(route, Route) else set()
        if "POST" in methods and route.path != "/graphql":
            found.append(re.sub(r"\{[^}]+\}", "999999", route.path))
    return sorted(set(found))


async def test_every_form_route_refuses_a_post_without_the_csrf_token(app, client, settings):
    patient = await make_patient(email="a@test.invalid")
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    paths = _post_routes(app)
    assert "/signin" in paths and "/account/password" in paths
    for path in paths:
        response = await client.post(path, data={"anything": "x"})
        if path in APP_AUTHENTICATED:
            # These authenticate the app (client id, secret, PKCE), never the cookie.
            assert response.status_code in (400, 401), f"{path} accepted an unknown client"
            assert response.json()["error"] in ("invalid_client", "unsupported_grant_type")
            continue
        # The ids are of no record: the token is checked before anything is looked up, so a
        # forged post learns nothing about which records exist (403, never 404).
        assert response.status_code == 403, (
            f"{path} answered {response.status_code} to a post without CSRF token")


async def test_graphql_with_a_session_cookie_needs_the_csrf_header(client, settings):
    patient = await make_patient(email="a@test.invalid")
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    refused = await client.post("/graphql", json={"query": "{ me { account { email } } }"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF"
    allowed = await client.post("/graphql", json={"query": "{ me { account { email } } }"},
                                headers={"x-csrf-token": token})
    assert allowed.json()["data"]["me"]["account"]["email"] == "a@test.invalid"


async def test_pages_carry_a_strict_content_security_policy(client):
    response = await client.get("/signin")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "HX-Request" in response.headers["vary"]
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


async def test_pages_have_no_inline_script(client):
    page = (await client.get("/signin")).text
    assert "<script>" not in page and "onclick" not in page
    assert '<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>' in page


async def test_the_vendored_htmx_keeps_its_licence(client):
    assert (await client.get("/static/vendor/htmx-LICENSE.txt")).status_code == 200


async def test_anonymous_graphql_sees_no_viewer(client):
    response = await client.post("/graphql", json={"query": "{ me { account { email } } }"})
    assert "errors" not in response.json()
    assert response.json()["data"] == {"me": None}


async def test_health_check_reports_the_database(client):
    assert (await client.get("/healthz")).json() == {"status": "ok", "database": "up"}


async def test_an_unknown_page_is_a_readable_404(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404 and "Page introuvable" in response.text


async def test_the_csrf_token_is_masked_differently_on_every_page(client):
    first = (await client.get("/signin")).text.split('name="csrf_token" value="')[1][:20]
    second = (await client.get("/signin")).text.split('name="csrf_token" value="')[1][:20]
    assert first != second


async def test_a_token_from_another_browser_is_refused(client):
    page = await client.get("/signin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.cookies.set("carnet_csrf", "A" * 43)  # another browser's secret
    response = await client.post("/signin", data={"csrf_token": token, "email": "a@b.c",
                                                  "password": "whatever it is"})
    assert response.status_code == 403
