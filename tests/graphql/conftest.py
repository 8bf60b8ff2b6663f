"""Fixtures for the API platform tests: callers of each kind, apps with small limits."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.graphql.callers import CALLER_KINDS, Caller
from web.app import create_app


@pytest.fixture(params=sorted(CALLER_KINDS))
async def caller(request: pytest.FixtureRequest, client: httpx.AsyncClient,
                 settings: Settings) -> Caller:
    """The same test as each kind of client: anonymous, a cookie session, an app's token."""
    return await CALLER_KINDS[request.param](client, settings)


def limited_settings(settings: Settings, **limits: Any) -> Settings:
    return dataclasses.replace(settings,
                               api_limits=dataclasses.replace(settings.api_limits, **limits))


@pytest.fixture
async def limited_client(settings: Settings, db: None
                         ) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """Opens clients on apps built with the given API limits (ApiLimits fields)."""
    clients: list[httpx.AsyncClient] = []

    def open_client(**limits: Any) -> httpx.AsyncClient:
        app = create_app(limited_settings(settings, **limits), manage_database=False)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver")
        clients.append(http)
        return http

    yield open_client
    for http in clients:
        await http.aclose()
