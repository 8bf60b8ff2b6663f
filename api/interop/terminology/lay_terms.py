"""The words people use for common conditions, from ``api/interop/data/common_conditions.tsv``.

A few hundred ICD-10 codes with the French (and English) words patients type: « diabète »,
« tension », « cancer du sein », « mal de dos ». The condition search ranks these codes
first, in the file's order (roughly how often people record them).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "common_conditions.tsv"


@dataclass(frozen=True, slots=True)
class LayTerms:
    code: str
    french: tuple[str, ...]
    english: tuple[str, ...]


def _terms(cell: str | None) -> tuple[str, ...]:
    return tuple(term.strip() for term in (cell or "").split("|") if term.strip())


def load_lay_terms(path: Path = DATA_FILE) -> tuple[LayTerms, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")),
                              delimiter="\t")
        return tuple(LayTerms(row["code"].strip(), _terms(row["lay_fr"]),
                              _terms(row.get("lay_en"))) for row in rows)


@cache
def common_conditions() -> tuple[LayTerms, ...]:
    """The curated conditions, most commonly recorded first."""
    return load_lay_terms()
