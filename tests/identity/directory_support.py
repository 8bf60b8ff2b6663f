"""Directory entries for the tests, and the GraphQL search a patient runs."""

from __future__ import annotations

from typing import Any

from api.identity.models import Professional

SEARCH = """
query Find($search: String = "", $rpps: String, $profession: Profession, $city: String,
           $first: Int, $after: String) {
  professionals(search: $search, rpps: $rpps, profession: $profession, city: $city,
                first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    items { id rpps lastName firstName profession practiceCity onCarnet }
  }
}
"""


async def entry(rpps: str, last_name: str, first_name: str, profession: str = "physician",
                city: str = "Lyon") -> Professional:
    """A directory entry without an account, as the import makes them."""
    return await Professional.create(rpps=rpps, last_name=last_name, first_name=first_name,
                                     profession=profession, practice_city=city)


def names(body: dict[str, Any]) -> list[str]:
    page = body["data"]["professionals"]
    return [f"{p['lastName']} {p['firstName']}" for p in page["items"]]
