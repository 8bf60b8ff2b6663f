"""A client that hangs up mid-request is not a server fault: no 'unexpected error' in the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from api.settings import Settings


async def _call_and_hang_up(app: Any, path: str) -> list[dict[str, Any]]:
    body_parts = [{"type": "http.request", "body": b'{"query": "{ __typename', "more_body": True},
                  {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return body_parts.pop(0) if body_parts else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                         (b"content-length", b"4000")],
             "client": ("127.0.0.1", 1234), "server": ("testserver", 80)}
    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("path", ["/graphql", "/signin"])
async def test_a_hang_up_is_logged_as_such_not_as_an_unexpected_error(
        db: None, settings: Settings, caplog: pytest.LogCaptureFixture, path: str):
    from web.app import create_app

    app = create_app(settings, manage_database=False)
    with caplog.at_level(logging.INFO):
        await _call_and_hang_up(app, path)
    assert not [r for r in caplog.records if "unexpected error" in r.getMessage()]
