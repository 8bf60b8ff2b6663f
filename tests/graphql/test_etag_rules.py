"""The ETag rules, without a server: what the tag covers, and how If-None-Match matches."""

from __future__ import annotations

import json

import pytest

from api.graphql.http_caching import etag_of, if_none_match_hits

ANSWER = {"data": {"me": {"account": {"email": "a@test.invalid"}}}}


def body(extensions: dict[str, object] | None = None, **answer: object) -> bytes:
    content = {**ANSWER, **answer}
    if extensions is not None:
        content["extensions"] = extensions
    return json.dumps(content).encode()


def test_the_tag_ignores_extensions_and_key_order():
    tag = etag_of("account:1", body({"cost": {"remaining": 10}}))
    assert tag == etag_of("account:1", body({"cost": {"remaining": 3}}))
    reordered = json.dumps({"data": ANSWER["data"]}, sort_keys=False).encode()
    assert etag_of("account:1", reordered) == etag_of("account:1", body())
    assert tag is not None and tag.startswith('W/"')


def test_the_tag_follows_the_viewer_the_data_and_the_errors():
    tag = etag_of("account:1", body())
    assert etag_of("account:2", body()) != tag
    assert etag_of("account:1", body(data={"me": None})) != tag
    assert etag_of("account:1", body(errors=[{"message": "x"}])) != tag


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b""])
def test_an_answer_that_is_not_a_json_object_gets_no_tag(raw: bytes):
    assert etag_of("anonymous", raw) is None


@pytest.mark.parametrize(("header", "hits"), [
    (None, False),
    ("", False),
    ('W/"abc"', True),
    ('"abc"', True),  # weak comparison: the strong form matches too
    ('W/"other", W/"abc"', True),
    ('W/"other"', False),
    ("*", True),
    ('W/"ab"', False),
])
def test_if_none_match_uses_weak_comparison(header: str | None, hits: bool):
    assert if_none_match_hits(header, 'W/"abc"') is hits
