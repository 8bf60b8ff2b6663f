"""French typography, in one place: every French sentence Carnet shows passes through here.

A narrow no-break space (U+202F) before « : ; ! ? » and inside « guillemets », so that the
sign never starts a line (the Imprimerie nationale's rule, what French readers expect).
Dates (« 1er novembre », not « 1 novembre ») are written by api.dates.

Only spacing is touched: a text without those signs comes back unchanged, and times
(08:30), addresses (https://) and numbers are left alone since they have no space before
the sign.
"""

from __future__ import annotations

import re

NARROW = "\u202f"
_BEFORE_SIGN = re.compile(r"[ \u00a0\u202f]+([:;!?»])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")


def spaced(text: str) -> str:
    """French text with narrow no-break spaces where French typography puts them."""
    if not text:
        return text
    text = _BEFORE_SIGN.sub(lambda found: NARROW + found.group(1), text)
    return _AFTER_OPENING.sub("«" + NARROW, text)
