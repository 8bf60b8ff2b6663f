"""Who calls the API in the limit tests: anonymous, a browser session, an app's bearer token.

Each kind is one factory in CALLER_KINDS, and every limit test runs for each of them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.identity.models import Role
from api.security import csrf
from api.settings import Settings
from tests.factories import make_account, make_patient, sign_in
from tests.oauth.support import ALL_READ_SCOPES, issue_token


@dataclass
class Caller:
    """Sends GraphQL requests as one kind of client, with what that kind must send."""

    kind: str
    client: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.kind != "anonymous"

    async def post(self, payload: Any) -> httpx.Response:
        return await self.client.post("/graphql", json=payload, headers=self.headers)

    async def query(self, query: str, variables: dict[str, Any] | None = None,
                    **extra: Any) -> httpx.Response:
        return await self.post({"query": query, "variables": variables or {}, **extra})

    async def get(self, query: str | None = None, *, variables: dict[str, Any] | None = None,
                  extensions: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> httpx.Response:
        params: dict[str, str] = {}
        if query is not None:
            params["query"] = query
        if variables:
            params["variables"] = json.dumps(variables)
        if extensions:
            params["extensions"] = json.dumps(extensions)
        return await self.client.get("/graphql", params=params,
                                     headers={**self.headers, **(headers or {})})


async def anonymous(client: httpx.AsyncClient, settings: Settings) -> Caller:
    return Caller("anonymous", client)


async def cookie_session(client: httpx.AsyncClient, settings: Settings) -> Caller:
    """A signed-in browser session: the cookie, and the CSRF header that POSTs need."""
    account = await make_account(Role.PATIENT)
    token = await sign_in(client, account, settings.secret_key)
    return Caller("cookie", client, {csrf.HEADER: token})


async def bearer_token(client: httpx.AsyncClient, settings: Settings) -> Caller:
    """An app's access token for a patient's own record: no cookie, no CSRF header."""
    patient = await make_patient()
    account = await patient.account
    assert account is not None
    token = await issue_token(account, ALL_READ_SCOPES)
    return Caller("bearer", client, {"Authorization": f"Bearer {token}"})


CALLER_KINDS: dict[str, Callable[[httpx.AsyncClient, Settings], Awaitable[Caller]]] = {
    "anonymous": anonymous,
    "cookie": cookie_session,
    "bearer": bearer_token,
}


def codes(body: Any) -> list[str]:
    """The `extensions.code` of every error in an answer (or a batch of answers)."""
    answers = body if isinstance(body, list) else [body]
    return [error.get("extensions", {}).get("code")
            for answer in answers for error in answer.get("errors") or []]
