"""The searchable form of names and cities: lowercase, accents removed, words only.

Stored next to the text it comes from (filled on every write) so that a search is a plain
comparison that behaves the same on SQLite and PostgreSQL, whatever their collations.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_A_WORD = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not split into a base letter and an accent.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})


def search_words(text: str) -> list[str]:
    """``"  Éloïse D'Arc-Müller "`` -> ``["eloise", "d", "arc", "muller"]``."""
    lowered = text.casefold().translate(_SPECIAL)
    bare = "".join(c for c in unicodedata.normalize("NFKD", lowered)
                   if not unicodedata.combining(c))
    return [w for w in _NOT_A_WORD.split(bare) if w]


def search_text(text: str) -> str:
    """The words of ``text`` joined by single spaces (the stored, indexed form)."""
    return " ".join(search_words(text))
