"""Sections are cursor paginated: newest first, undated entries last, at most 100 a page."""

from datetime import date

import pytest

from api.graphql.common import encode_cursor
from api.records.entries.models import HistoryEntry, HistoryKind, HistoryStatus, Vaccination
from api.records.provenance import stamp_created
from tests.records.entries.helpers import error_codes, own_page, read_own


async def _history(owner, onsets):
    for onset in onsets:
        await HistoryEntry.create(**stamp_created(
            {"patient_id": owner.patient.id, "kind": HistoryKind.CONDITION, "text": "x",
             "onset_date": onset, "status": HistoryStatus.ACTIVE}, owner.account.id))


async def _all_pages(owner, section, first):
    seen, after, pages = [], None, 0
    while True:
        page = await own_page(owner, section, first=first, after=after)
        pages += 1
        seen += page["items"]
        if not page["pageInfo"]["hasNextPage"]:
            return seen, pages, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


async def test_pages_follow_each_other_without_gaps_or_repeats(owner):
    onsets = [date(2001, 1, 1), None, date(2020, 6, 1), date(2020, 6, 1), None, date(1999, 3, 3),
              date(2010, 7, 7)]
    await _history(owner, onsets)
    seen, pages, total = await _all_pages(owner, "history", first=2)
    assert pages == 4 and total == 7
    assert [item["onsetDate"] for item in seen] == [
        "2020-06-01", "2020-06-01", "2010-07-07", "2001-01-01", "1999-03-03", None, None]
    assert len({item["id"] for item in seen}) == 7
    # Equal dates: the most recently added first.
    assert int(seen[0]["id"]) > int(seen[1]["id"])
    assert int(seen[5]["id"]) > int(seen[6]["id"])


async def test_the_first_page_tells_the_total_and_whether_more_follow(owner):
    for day in range(1, 6):
        await Vaccination.create(**stamp_created(
            {"patient_id": owner.patient.id, "vaccine_code": "INFLUENZA",
             "date": date(2020, 10, day)}, owner.account.id))
    page = await own_page(owner, "vaccinations", first=3)
    assert page["totalCount"] == 5 and page["pageInfo"]["hasNextPage"] is True
    assert [item["date"] for item in page["items"]] == ["2020-10-05", "2020-10-04", "2020-10-03"]
    rest = await own_page(owner, "vaccinations", first=3, after=page["pageInfo"]["endCursor"])
    assert [item["date"] for item in rest["items"]] == ["2020-10-02", "2020-10-01"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_an_empty_section_is_an_empty_page(owner):
    page = await own_page(owner, "allergies")
    assert page == {"totalCount": 0, "items": [],
                    "pageInfo": {"hasNextPage": False, "endCursor": None}}


@pytest.mark.parametrize("first", [101, 0, -1])
async def test_a_page_size_outside_1_to_100_is_refused_clearly(owner, first):
    body = await read_own(owner, "treatments", first=first)
    assert error_codes(body) == ["BAD_PAGE_SIZE"]
    assert "between 1 and 100" in body["errors"][0]["message"]
    assert body["data"]["me"]["patient"]["treatments"] is None


async def test_a_page_of_100_is_allowed(owner):
    assert (await own_page(owner, "treatments", first=100))["items"] == []


@pytest.mark.parametrize("cursor", ["garbage", encode_cursor("not-a-date", 3),
                                    encode_cursor("2020-01-01", "x"), encode_cursor("", 3)])
async def test_a_cursor_we_did_not_issue_is_refused(owner, cursor):
    body = await read_own(owner, "history", after=cursor)
    assert error_codes(body) == ["BAD_CURSOR"]
