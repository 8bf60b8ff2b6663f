"""RPPS: the 11-digit number of every health professional in the national directory.

The last digit is a check digit, but the directory has numbers that fail it,
so only the format is checked.
"""

from __future__ import annotations

import re


class RppsError(ValueError):
    code = "rpps_format"


def parse_rpps(raw: str) -> str:
    text = re.sub(r"\s", "", raw)
    if not re.fullmatch(r"[0-9]{11}", text):
        raise RppsError("An RPPS number has exactly 11 digits.")
    return text
