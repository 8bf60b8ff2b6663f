"""Moments before 1911, when Paris kept its local mean time (+00:09:21): a measurement of
those years is saved and shown as typed, on every path that writes or reads a moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from html import unescape

import pytest

from api import clock
from api.graphql.scalars import SCALAR_OVERRIDES, parse_datetime
from tests.records.measurements.support import MINE, signed_in_patient

HTMX = {"HX-Request": "true"}
OLD_DAY, OLD_TIME = "15/06/1900", "10:00"


def _form(csrf: str) -> dict[str, str]:
    return {"csrf_token": csrf, "kind": "WEIGHT", "value": "61", "value2": "",
            "measured_on": OLD_DAY, "measured_time": OLD_TIME, "note": ""}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["without-javascript", "with-htmx"])
async def test_a_measurement_of_1900_is_saved_and_shown_at_the_time_typed(client, settings,
                                                                           headers):
    person = await signed_in_patient(client, settings.secret_key, birth_date=date(1890, 5, 1))
    assert person.patient is not None
    url = f"/records/{person.patient.id}/measurements"
    sent = await client.post(url, data=_form(person.csrf), headers=headers)
    assert sent.status_code == (200 if headers else 303), sent.text[:300]
    body = await person.ask(MINE, first=5)
    [saved] = body["data"]["me"]["patient"]["measurements"]["items"]
    # 10:00 in Paris in 1900 was 09:50:39 in Greenwich; the API answers it in UTC.
    assert saved["measuredAt"] == "1900-06-15T09:50:39+00:00"
    page = await client.get(f"{url}/weight?period=all")
    assert "15 juin 1900 à 10:00" in unescape(page.text)
    assert 'datetime="1900-06-15T09:50:39+00:00"' in page.text


@pytest.mark.parametrize("moment", [
    datetime.combine(date(1900, 6, 15), time(10), clock.HOME_ZONE),
    datetime.combine(date(1850, 1, 1), time(0), clock.HOME_ZONE),
    datetime.combine(date(2026, 3, 29), time(3), clock.HOME_ZONE),
])
def test_every_moment_sent_on_the_wire_is_one_the_api_reads_back(moment):
    sent = clock.wire(moment)
    assert parse_datetime(sent) == moment
    assert sent.endswith("+00:00")


def test_the_api_never_answers_an_offset_with_seconds():
    serialize = SCALAR_OVERRIDES[datetime].serialize
    old = datetime.combine(date(1900, 6, 15), time(10), clock.HOME_ZONE)
    assert serialize(old) == "1900-06-15T09:50:39+00:00"
    recent = datetime(2026, 12, 6, 7, 45, tzinfo=clock.HOME_ZONE)
    assert serialize(recent) == "2026-12-06T07:45:00+01:00"
    assert parse_datetime(serialize(old)).astimezone(UTC) == old.astimezone(UTC)


def test_a_naive_moment_is_never_sent():
    with pytest.raises(ValueError):
        clock.wire(datetime(2026, 1, 1))
