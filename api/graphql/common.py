"""Types shared by every domain: user errors, pages of results."""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from api.graphql.errors import CarnetError
from api.ids import is_number_text, number_from_text

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
T = TypeVar("T")


@strawberry.type(description="A problem with the input, to show next to the field.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    code: str = strawberry.field(description="Machine-readable, e.g. DATE_IN_FUTURE.")
    message: str = strawberry.field(description="In the viewer's language.")


@dataclass(frozen=True)
class Problem:
    """One validation problem, before it is put in words: the input field at fault
    (camelCase; None for the whole input), a machine-readable code, and what its message
    needs. Each domain turns its problems into `UserError`s from its own message table."""

    field: str | None
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@strawberry.type(description="Where a page stands in its list (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = strawberry.field(
        default=False,
        description="Always false: lists are read forwards, with `first` and `after`.")
    start_cursor: str | None = None


@strawberry.type(description="One element of a page with its cursor (Relay's edge).")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results; pass `endCursor` as `after` for the next one. "
                 "The elements are both `items` and Relay's `edges { cursor node }`.")
class Page(Generic[T]):
    items: list[T]
    page_info: PageInfo
    total_count: int
    # No default: a page built without its edges would answer an empty list. Build
    # pages with `page_of` or `build_page`.
    edges: list[Edge[T]]


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 1 or first > MAX_PAGE_SIZE:
        raise CarnetError(f"`first` must be between 1 and {MAX_PAGE_SIZE}.", code="BAD_PAGE_SIZE",
                          field="first")
    return first


def encode_cursor(*values: Any) -> str:
    """The cursor of one row: its sort values, opaque to the client."""
    text = "|".join(str(v) for v in values)
    return base64.urlsafe_b64encode(text.encode()).decode()


def bad_cursor() -> CarnetError:
    return CarnetError("This cursor is not valid.", code="BAD_CURSOR")


def read_cursor(cursor: str | None, *readers: Callable[[str], Any]) -> list[Any] | None:
    """The values of a cursor we issued, each turned back into what it was by its reader
    (e.g. `number_from_text`, `date.fromisoformat`, `aware_moment`); None when there is no
    cursor. A cursor with another number of values, or a value its reader refuses with a
    ValueError, is a BAD_CURSOR error."""
    if cursor is None:
        return None
    try:
        values = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = []
    if len(values) != len(readers):
        raise bad_cursor()
    try:
        return [read(value) for read, value in zip(readers, values, strict=True)]
    except ValueError:
        raise bad_cursor() from None


def aware_moment(text: str) -> datetime:
    """A cursor's moment: ISO 8601 with its offset (a moment without one is refused)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("a moment without an offset")
    return moment


def decode_number_cursor(cursor: str | None) -> int | None:
    """The number a cursor of an id- or sequence-ordered list carries (None: from the start)."""
    values = read_cursor(cursor, number_from_text)
    return None if values is None else int(values[0])


def parse_id(raw: str | int, what: str = "id") -> int:
    """An id from the client: a bad one is a clear error, not a masked crash.

    Ids are the positive whole numbers of `integer` primary keys: a larger one would make
    PostgreSQL fail where SQLite only finds nothing.
    """
    text = str(raw).strip()
    if not is_number_text(text):
        raise CarnetError(f"`{what}` is not a valid id.", code="BAD_ID", field=what)
    return int(text)


def build_page(items: Sequence[T], cursors: Sequence[str], has_next: bool, total: int
               ) -> Page[T]:
    """A page of `items`, each with its cursor in `cursors`."""
    return Page(
        items=list(items),
        edges=[Edge(cursor=cursor, node=item) for item, cursor in zip(items, cursors, strict=True)],
        page_info=PageInfo(
            has_next_page=has_next,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=total,
    )


def page_of(rows: Sequence[T], size: int, total: int, cursor_of: Any) -> Page[T]:
    """Build a page from `size + 1` fetched rows (the extra one tells there is more)."""
    items = list(rows[:size])
    return build_page(items, [cursor_of(item) for item in items], len(rows) > size, total)
