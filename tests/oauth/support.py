"""The OAuth flow as an app and a person go through it, over HTTP with the test client."""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from api.graphql.viewer import Viewer
from api.identity.models import Account, Patient, Role
from api.oauth import services, store
from api.records.entries.models import Allergy, Treatment
from tests.factories import csrf_from

REDIRECT_URI = "https://app.example/callback"
TOKEN_URL = "/oauth/token"


@dataclass(frozen=True)
class RegisteredApp:
    client_id: str
    secret: str | None


async def register(scopes: str = "allergies.read treatments.read", *, public: bool = True,
                   approved: bool = True, name: str = "Pollen Diary",
                   redirect_uri: str = REDIRECT_URI) -> RegisteredApp:
    app, secret = await services.register_app(
        name=name, publisher="Pollen Labs", redirect_uris=[redirect_uri], scopes=scopes,
        confidential=not public)
    if approved:
        await services.approve_app(app.client_id)
    return RegisteredApp(app.client_id, secret)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def authorize_url(client_id: str, scope: str, challenge: str | None, *, method: str = "S256",
                  redirect_uri: str = REDIRECT_URI, state: str = "xyz") -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "scope": scope, "state": state}
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": method}
    return "/oauth/authorize?" + urlencode(params)


def hidden_fields(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code in (302, 303), response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


async def consent(client: httpx.AsyncClient, url: str, *, untick: tuple[str, ...] = (),
                  record: int | None = None, decision: str = "allow") -> httpx.Response:
    """Open the consent screen at ``url`` and answer it as the signed-in person would."""
    page = await client.get(url)
    assert page.status_code == 200, page.text
    ticked = [s for s in re.findall(r'name="scope" value="([^"]+)" checked', page.text)
              if s not in untick]
    form: dict[str, Any] = {**hidden_fields(page.text), "csrf_token": csrf_from(page.text),
                            "decision": decision, "scope": ticked}
    if record is not None:
        form["record"] = str(record)
    else:
        checked = re.search(r'name="record" value="(\d+)" checked', page.text)
        if checked:
            form["record"] = checked.group(1)
    return await client.post("/oauth/authorize", data=form)


async def exchange(client: httpx.AsyncClient, app: RegisteredApp, code: str, verifier: str,
                   *, redirect_uri: str = REDIRECT_URI) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": app.client_id, "code_verifier": verifier}
    if app.secret:
        data["client_secret"] = app.secret
    return await client.post(TOKEN_URL, data=data)


async def refresh(client: httpx.AsyncClient, app: RegisteredApp, token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, "client_id": app.client_id}
    if app.secret:
        data["client_secret"] = app.secret
    return await client.post(TOKEN_URL, data=data)


async def connect_app(person: httpx.AsyncClient, app_http: httpx.AsyncClient,
                      app: RegisteredApp, scope: str, **answer: Any) -> dict[str, Any]:
    """The whole flow; returns the token response."""
    verifier, challenge = pkce()
    answered = await consent(person, authorize_url(app.client_id, scope, challenge), **answer)
    code = redirect_params(answered)["code"]
    tokens = await exchange(app_http, app, code, verifier)
    assert tokens.status_code == 200, tokens.text
    body: dict[str, Any] = tokens.json()
    return body


@asynccontextmanager
async def app_client(asgi_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app's own HTTP client: no cookie, no CSRF token, ever."""
    transport = httpx.ASGITransport(app=asgi_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def bearer_query(http: httpx.AsyncClient, token: str, query: str,
                       variables: dict[str, Any] | None = None) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers={"Authorization": f"Bearer {token}"})


RECORD_QUERY = """query($id: ID!) { patient(id: $id) {
  allergies { items { substance } } treatments { items { medication } } } }"""


async def give_record_entries(patient_id: int, author: Account) -> None:
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now, "created_by_id": author.id,
             "updated_by_id": author.id}
    await Allergy.create(patient_id=patient_id, substance="Birch pollen", **stamp)
    await Treatment.create(patient_id=patient_id, medication="Cetirizine", **stamp)


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


ALL_READ_SCOPES = ("identity.read history.read allergies.read treatments.read "
                   "vaccinations.read measurements.read directives.read documents.read")


async def issue_token(account: Account, scopes: str, *, patient_id: int | None = None,
                      name: str = "Pollen Diary") -> str:
    """An access token as the token endpoint issues one, without the pages: a registered,
    approved app, the person's connection to it (their own record unless ``patient_id``;
    none for a professional) and a token row, through the OAuth services."""
    registered = await register(scopes, name=name)
    app = await services.approved_app(registered.client_id)
    assert app is not None
    if patient_id is None and account.role is not Role.PROFESSIONAL:
        patient_id = (await Patient.get(account_id=account.id)).id
    connection = await services.connect(Viewer(account=account, session=None), app, patient_id,
                                        scopes.split())
    token = generate_token(48)
    await store.save_token({"access_token": token, "scope": connection.scopes},
                           connection.id, store.new_family())
    return token
