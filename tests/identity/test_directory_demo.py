"""The demo directory: a few dozen made-up professionals that cannot be real ones."""

from __future__ import annotations

import csv

from api.consent.directory_columns import profession_of
from api.demo import DEMO_DIRECTORY, load_directory
from api.identity.models import Professional


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _rows() -> list[dict[str, str]]:
    with DEMO_DIRECTORY.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def test_demo_rpps_numbers_cannot_belong_to_anyone() -> None:
    rows = _rows()
    assert 30 <= len(rows) <= 60
    for row in rows:
        assert row["rpps"].startswith("99") and len(row["rpps"]) == 11
        assert not _luhn_valid(row["rpps"]), row["rpps"]


def test_demo_directory_spans_professions_and_cities() -> None:
    rows = _rows()
    assert len({profession_of(r["profession"]) for r in rows}) >= 6
    assert len({r["city"] for r in rows}) >= 8


async def test_demo_directory_loads_through_the_import_once(db: None) -> None:
    first = await load_directory()
    again = await load_directory()
    assert (first.created, first.refused) == (len(_rows()), 0)
    assert (again.created, again.unchanged) == (0, len(_rows()))
    assert await Professional.filter(account_id__isnull=True).count() == len(_rows())
