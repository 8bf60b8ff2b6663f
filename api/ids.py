"""The one rule for numbers typed or sent by a client: ids, counts, codes.

`str.isdigit()` is true for `"²"` or `"٣"`, which `int()` then rejects or reads as a
number nobody typed on a keyboard; and an id beyond PostgreSQL's `integer` makes the
database fail where SQLite only finds nothing. Every place that turns client text into a
number uses these (plumbing: imported by the API and the pages alike).
"""

from __future__ import annotations

# Primary keys (and the numbers cursors carry) are PostgreSQL `integer`...
MAX_ID = 2**31 - 1
# ... or `bigint` for the few tables that grow with every write (the change feed).
MAX_BIG_ID = 2**63 - 1


def is_ascii_digits(text: str) -> bool:
    """Only the digits 0 to 9, at least one."""
    return text.isascii() and text.isdigit()


def ascii_digits(text: str) -> str:
    """The digits 0 to 9 in `text`, in order (spaces and dashes people type go away)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def is_number_text(text: str, *, limit: int = MAX_ID) -> bool:
    """ASCII digits only and at most `limit`."""
    return is_ascii_digits(text) and len(text) <= len(str(limit)) and int(text) <= limit


def number_from_text(text: str, *, limit: int = MAX_ID) -> int:
    """The number `text` spells in ASCII digits, at most `limit`; ValueError otherwise."""
    if not is_number_text(text, limit=limit):
        raise ValueError(f"not a number up to {limit}")
    return int(text)


def id_or_none(raw: object) -> int | None:
    """A positive id from a form or a query string, or None when it cannot be one."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    return int(text) if is_number_text(text) and int(text) > 0 else None
