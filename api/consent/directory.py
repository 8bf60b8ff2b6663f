"""Searching the directory of professionals, by name, RPPS number, profession and city.

Names and cities are compared in their stored lowercase, accent-free form
(``api.identity.normalise``), so "eloise" finds "Éloïse" the same way on SQLite and
PostgreSQL. Each word typed must start a word of the name; an RPPS matches exactly or by
prefix; a city matches from its start. Criteria combine, and at least one is needed.
The directory lives here, above identity, because it speaks the consent vocabulary of
professions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api.consent.sections import Profession
from api.graphql.common import decode_number_cursor, encode_cursor
from api.graphql.errors import CarnetError
from api.identity.models import Professional
from api.identity.normalise import search_text, search_words

MIN_NAME_LENGTH = 2
MIN_RPPS_DIGITS = 2
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class DirectorySearch:
    """What the person typed; empty strings mean "any"."""

    name: str = ""
    rpps: str = ""
    profession: Profession | None = None
    city: str = ""


def _name_filter(query: QuerySet[Professional], name: str) -> QuerySet[Professional]:
    words = search_words(name)
    if len("".join(words)) < MIN_NAME_LENGTH:
        raise CarnetError(f"Type at least {MIN_NAME_LENGTH} letters of the name.",
                          code="SEARCH_TOO_SHORT", field="search")
    for word in words[:MAX_NAME_WORDS]:
        # Words are [a-z0-9]+ only: nothing in them is a LIKE wildcard.
        query = query.filter(Q(name_search__startswith=word)
                             | Q(name_search__contains=f" {word}"))
    return query


def _rpps_filter(query: QuerySet[Professional], rpps: str) -> QuerySet[Professional]:
    digits = re.sub(r"\s", "", rpps)
    if not (digits.isascii() and digits.isdigit()) or not (
            MIN_RPPS_DIGITS <= len(digits) <= 11):
        raise CarnetError("An RPPS number is made of digits (11 at most, 2 at least to "
                          "search).", code="BAD_RPPS", field="rpps")
    if len(digits) == 11:
        return query.filter(rpps=digits)
    return query.filter(rpps__startswith=digits)


def directory_query(search: DirectorySearch) -> QuerySet[Professional]:
    """The professionals matching every criterion given; NO_CRITERIA when none is."""
    query = Professional.all()
    given = False
    if search.name.strip():
        query, given = _name_filter(query, search.name), True
    if search.rpps.strip():
        query, given = _rpps_filter(query, search.rpps), True
    if search.profession is not None:
        query, given = query.filter(profession=search.profession.value), True
    city = search_text(search.city)
    if city:
        query, given = query.filter(city_search__startswith=city), True
    if not given:
        raise CarnetError("Give a name, an RPPS number, a profession or a city.",
                          code="NO_CRITERIA", field="search")
    return query


async def search_directory(search: DirectorySearch, size: int, after: str | None
                           ) -> tuple[list[Professional], int, int]:
    """One page of matches, ``size + 1`` rows from the cursor's offset: (rows, total, offset).

    Two statements whatever the page size: the count and the page.
    """
    query = directory_query(search)
    offset = decode_number_cursor(after) or 0
    total = await query.count()
    rows = await query.order_by("name_search", "id").offset(offset).limit(size + 1)
    return list(rows), total, offset


def offset_cursor(offset: int) -> str:
    return encode_cursor(offset)
