"""The profession matrix, loaded once from ``matrix.toml`` and validated strictly.

The matrix says the most a profession may ever do; the policy intersects it with what the
patient allowed. Any unknown or missing profession, section, category or key, and any
malformed LOINC code, is an error at import: a typo must never widen or silently narrow
access.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import TypeVar

from api.consent.sections import Action, DocumentCategory, Profession, Section

_ROW_KEYS = frozenset(
    {"read", "write", "document_categories", "also_read_types", "never_read_types"}
)
_LOINC = re.compile(r"^(\d{1,7})-(\d)$")
_E = TypeVar("_E", bound=StrEnum)


class MatrixError(ValueError):
    """The matrix data is invalid."""


def loinc_check_digit(number: str) -> int:
    """The LOINC mod-10 check digit of the part before the hyphen."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:  # rightmost digit and every other one are doubled
            digit *= 2
        total += digit // 10 + digit % 10
    return (10 - total % 10) % 10


def is_loinc_code(code: str) -> bool:
    """True for a well-formed LOINC code whose check digit is right."""
    match = _LOINC.match(code)
    return match is not None and loinc_check_digit(match[1]) == int(match[2])


@dataclass(frozen=True)
class ProfessionRights:
    """One row of the matrix."""

    read: frozenset[Section]
    write: frozenset[Section]
    document_categories: frozenset[DocumentCategory]
    also_read_types: frozenset[str]
    never_read_types: frozenset[str]

    def allows(self, section: Section, action: Action) -> bool:
        """Whether the section may ever be read, or written (a deposit is a write)."""
        if action is Action.READ:
            return section in self.read
        return section in self.write

    def allows_document(self, category: str | None, type_code: str | None) -> bool:
        """Whether a document of this category and type may ever be read.

        An unknown category (``None``) is readable only through ``also_read_types``; an
        unknown type code is never in ``never_read_types``.
        """
        if Section.DOCUMENTS not in self.read:
            return False
        if type_code is not None and type_code in self.never_read_types:
            return False
        if category is not None and category in self.document_categories:
            return True
        return type_code is not None and type_code in self.also_read_types


class Matrix:
    """The whole profession matrix, one row per profession."""

    def __init__(self, rows: Mapping[Profession, ProfessionRights]) -> None:
        missing = set(Profession) - set(rows)
        if missing:
            raise MatrixError(f"professions missing from the matrix: {sorted(missing)}")
        self._rows = dict(rows)

    @classmethod
    def from_toml(cls, text: str) -> Matrix:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise MatrixError(f"matrix is not valid TOML: {error}") from error
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Matrix:
        rows: dict[Profession, ProfessionRights] = {}
        for name, row in data.items():
            profession = _member(Profession, name, "profession")
            if not isinstance(row, Mapping):
                raise MatrixError(f"{name}: expected a table")
            rows[profession] = _parse_row(name, row)
        return cls(rows)

    def rights(self, profession: Profession) -> ProfessionRights:
        return self._rows[profession]

    def allows(self, profession: Profession, section: Section, action: Action) -> bool:
        return self._rows[profession].allows(section, action)

    def allows_document(
        self, profession: Profession, category: str | None, type_code: str | None
    ) -> bool:
        return self._rows[profession].allows_document(category, type_code)


def _member(enum: type[_E], value: object, what: str) -> _E:
    if not isinstance(value, str):
        raise MatrixError(f"expected a {what} name, got {value!r}")
    try:
        return enum(value)
    except ValueError:
        raise MatrixError(f"unknown {what}: {value!r}") from None


def _strings(where: str, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MatrixError(f"{where}.{key}: expected a list of strings")
    if len(set(value)) != len(value):
        raise MatrixError(f"{where}.{key}: duplicate entries")
    return value


def _type_codes(where: str, key: str, value: object) -> frozenset[str]:
    codes = _strings(where, key, value)
    for code in codes:
        if not is_loinc_code(code):
            raise MatrixError(f"{where}.{key}: not a valid LOINC code: {code!r}")
    return frozenset(codes)


def _parse_row(where: str, row: Mapping[str, object]) -> ProfessionRights:
    keys = set(row)
    if keys != _ROW_KEYS:
        unknown, missing = sorted(keys - _ROW_KEYS), sorted(_ROW_KEYS - keys)
        raise MatrixError(f"{where}: unknown keys {unknown}, missing keys {missing}")

    def sections(key: str) -> frozenset[Section]:
        return frozenset(_member(Section, s, "section") for s in _strings(where, key, row[key]))

    read, write = sections("read"), sections("write")
    categories = frozenset(
        _member(DocumentCategory, c, "document category")
        for c in _strings(where, "document_categories", row["document_categories"])
    )
    also = _type_codes(where, "also_read_types", row["also_read_types"])
    never = _type_codes(where, "never_read_types", row["never_read_types"])
    if not write <= read:
        raise MatrixError(f"{where}: writes sections it cannot read: {sorted(write - read)}")
    if Section.DOCUMENTS not in read and (categories or also):
        raise MatrixError(f"{where}: document rules without read access to documents")
    if also & never:
        raise MatrixError(f"{where}: types both also read and never read: {sorted(also & never)}")
    return ProfessionRights(read, write, categories, also, never)


def load_matrix() -> Matrix:
    """Load and validate the packaged ``matrix.toml``."""
    text = resources.files(__package__ or "api.consent").joinpath("matrix.toml").read_text("utf-8")
    return Matrix.from_toml(text)


MATRIX: Matrix = load_matrix()
