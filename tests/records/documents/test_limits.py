"""Multipart bodies are capped, whether or not they announce their length."""

from __future__ import annotations

from typing import Any

import pytest

from api.records.documents.limits import (
    BodyTooLarge,
    announced_too_large,
    is_multipart,
    limited_receive,
)


def _scope(**headers: str) -> dict[str, Any]:
    return {"headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}


async def test_a_body_without_length_is_stopped_once_it_passes_the_cap():
    chunks = [b"x" * 600, b"x" * 600]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

    limited = limited_receive(receive, limit=1000)
    assert len((await limited())["body"]) == 600
    with pytest.raises(BodyTooLarge):
        await limited()


def test_only_multipart_bodies_with_a_large_announced_length_are_refused_upfront():
    assert is_multipart(_scope(content_type="multipart/form-data; boundary=x"))
    assert not is_multipart(_scope(content_type="application/json"))
    assert announced_too_large(_scope(content_length=str(10**9)))
    assert not announced_too_large(_scope(content_length="1000"))
    assert not announced_too_large(_scope())
