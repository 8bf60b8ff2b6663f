"""INS: the national health identifier, a NIR (13 characters) plus a 2-digit key.

The key is 97 - (n mod 97), where n is the NIR read as a number after the
Corsican department codes 2A and 2B are replaced by 19 and 18.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NIR_PATTERN = re.compile(r"^[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}$")
_CORSICA = {"2A": "19", "2B": "18"}


class InsError(ValueError):
    """An INS that cannot be accepted; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise(raw: str) -> str:
    """Drop the spaces, dots and dashes people type, and upper-case 2a/2b."""
    return re.sub(r"[\s.\-]", "", raw).upper()


def nir_key(nir: str) -> str:
    """The 2-digit control key of a 13-character NIR."""
    nir = normalise(nir)
    if not _NIR_PATTERN.match(nir):
        raise InsError("nir_format", "A NIR has 13 characters: digits, with 2A or 2B for Corsica.")
    numeric = nir[:5] + _CORSICA.get(nir[5:7], nir[5:7]) + nir[7:]
    return f"{97 - int(numeric) % 97:02d}"


@dataclass(frozen=True)
class Ins:
    nir: str
    key: str

    def __str__(self) -> str:
        return f"{self.nir} {self.key}"


def parse_ins(raw: str, key: str | None = None) -> Ins:
    """Parse an INS given as 15 characters, or as a NIR and a separate key.

    A wrong key is refused with a message that says so.
    """
    text = normalise(raw)
    if key is None:
        if len(text) != 15:
            raise InsError(
                "ins_length", "An INS has 15 characters: the 13 of the NIR and a 2-digit key."
            )
        text, key = text[:13], text[13:]
    key = normalise(key)
    if not re.fullmatch(r"[0-9]{2}", key):
        raise InsError("ins_key_format", "The INS key has two digits.")
    expected = nir_key(text)
    if key != expected:
        raise InsError(
            "ins_key_mismatch", "The key does not match this NIR: check the 15 characters."
        )
    return Ins(nir=text, key=key)
