"""Document types (LOINC) of the ``documents`` section, grouped in categories.

The types come from ``api/interop/data/document_types.tsv``: the LOINC document
codes used by the French shared medical record, with their category.

Documents the patient adds get LOINC 51855-5 "Patient note" rather than a local
code: it is a standard code whose meaning (a document authored by the patient)
fits, so every document type stays in one system (http://loinc.org) and FHIR
exports need no local code system.

The ``administrative`` category (insurance papers and the like) has no LOINC
type yet; it is listed so the interface can offer it once one is chosen.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .concepts import Concept, System, is_english

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "document_types.tsv"

PATIENT_DOCUMENT_CODE = "51855-5"


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label_fr: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if is_english(lang) else self.label_fr


# Order of display; the first eight follow the groups of the DMP access matrix.
CATEGORIES: tuple[Category, ...] = (
    Category("report", "Comptes rendus", "Reports"),
    Category("summary", "Synthèses", "Summaries"),
    Category("imaging", "Imagerie médicale", "Medical imaging"),
    Category("prescription", "Prescriptions", "Prescriptions"),
    Category("dispensing", "Dispensations", "Dispensing"),
    Category("care_plan", "Plans de soins", "Care plans"),
    Category("administered_treatment", "Traitements administrés", "Administered treatments"),
    Category("certificate", "Certificats", "Certificates"),
    Category("patient_document", "Documents du patient", "Patient documents"),
    Category("administrative", "Documents administratifs", "Administrative documents"),
)
_CATEGORY_BY_KEY = {category.key: category for category in CATEGORIES}

PATIENT_DOCUMENT = Concept(
    System.LOINC_DOCUMENT,
    PATIENT_DOCUMENT_CODE,
    "Document du patient",
    "Patient document",
    category="patient_document",
)


def load_document_types(path: Path = DATA_FILE) -> tuple[Concept, ...]:
    """Parse the reference file; a bad row is a data error and raises ValueError."""
    types: list[Concept] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            code, category = row["loinc"].strip(), row["category"].strip()
            if category not in _CATEGORY_BY_KEY:
                raise ValueError(f"{path.name}:{line}: unknown category {category!r}")
            if not code or code in seen:
                raise ValueError(f"{path.name}:{line}: missing or repeated code {code!r}")
            seen.add(code)
            types.append(
                Concept(
                    System.LOINC_DOCUMENT,
                    code,
                    row["label_fr"].strip(),
                    row["label_en"].strip(),
                    category=category,
                )
            )
    if PATIENT_DOCUMENT_CODE not in seen:
        types.append(PATIENT_DOCUMENT)
    return tuple(types)


@cache
def _types() -> tuple[Concept, ...]:
    return load_document_types()


@cache
def _by_code() -> dict[str, Concept]:
    return {concept.code: concept for concept in _types()}


def document_types() -> tuple[Concept, ...]:
    """Every document type, in file order, the patient document last."""
    return _types()


def document_type(code: str) -> Concept | None:
    return _by_code().get(code.strip())


def categories() -> tuple[Category, ...]:
    return CATEGORIES


def category(key: str) -> Category | None:
    return _CATEGORY_BY_KEY.get(key)


def types_in_category(key: str) -> tuple[Concept, ...]:
    """The types of one category, in file order; empty for an unknown category."""
    return tuple(concept for concept in _types() if concept.category == key)
