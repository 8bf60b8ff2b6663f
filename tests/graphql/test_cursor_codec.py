"""The one cursor codec: what a list writes into a cursor comes back typed, and anything
the server did not issue is BAD_CURSOR."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.graphql.common import aware_moment, encode_cursor, read_cursor
from api.graphql.errors import CarnetError
from api.ids import number_from_text


def test_a_cursor_gives_back_its_values_typed() -> None:
    moment = datetime(2024, 3, 14, 9, 30, tzinfo=UTC)
    cursor = encode_cursor(moment.isoformat(), date(2024, 3, 14).isoformat(), 42)
    assert read_cursor(cursor, aware_moment, date.fromisoformat, number_from_text) == [
        moment, date(2024, 3, 14), 42]


def test_no_cursor_reads_from_the_start() -> None:
    assert read_cursor(None, number_from_text) is None


@pytest.mark.parametrize("cursor", [
    encode_cursor("2024-03-14T09:30:00", 1),  # a moment without its offset
    encode_cursor("2024-03-14T09:30:00+00:00"),  # one value short
    encode_cursor("2024-03-14T09:30:00+00:00", 1, 2),  # one value too many
    encode_cursor("yesterday", 1),
    "not base64 at all!",
])
def test_a_cursor_the_server_did_not_issue_is_bad_cursor(cursor: str) -> None:
    with pytest.raises(CarnetError) as refused:
        read_cursor(cursor, aware_moment, number_from_text)
    assert refused.value.code == "BAD_CURSOR"
