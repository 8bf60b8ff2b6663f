"""Vaccines given in France: a curated list in ``api/interop/data/vaccines.tsv``.

Each vaccine has a stable local code (what Carnet stores), its WHO ATC code when
known (what FHIR exports add, system http://www.whocc.no/atc) and the diseases
it targets. Several entries may share an ATC code (a child DTaP-IPV and an adult
reduced-dose booster are both J07CA02), which is why the local code is the key.
Nirsevimab is a monoclonal antibody, not a vaccine (ATC J06BD08); it is listed
because infants' RSV immunisation is recorded alongside their vaccinations.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from .concepts import Concept, System

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "vaccines.tsv"

_CODE_SHAPE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_ATC_SHAPE = re.compile(r"J0[67][A-Z]{2}[0-9]{2}")


def load_vaccines(path: Path = DATA_FILE) -> tuple[Concept, ...]:
    """Parse the reference file; a bad row is a data error and raises ValueError."""
    vaccines: list[Concept] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            code, atc = row["code"].strip(), row["atc"].strip()
            if not _CODE_SHAPE.fullmatch(code) or code in seen:
                raise ValueError(f"{path.name}:{line}: bad or repeated code {code!r}")
            if atc and not _ATC_SHAPE.fullmatch(atc):
                raise ValueError(f"{path.name}:{line}: bad ATC code {atc!r}")
            seen.add(code)
            vaccines.append(
                Concept(
                    System.VACCINE,
                    code,
                    row["label_fr"].strip(),
                    row["label_en"].strip(),
                    detail_fr=row["targets_fr"].strip(),
                    detail_en=row["targets_en"].strip(),
                    atc=atc,
                )
            )
    return tuple(vaccines)


@cache
def _vaccines() -> tuple[Concept, ...]:
    return load_vaccines()


@cache
def _by_code() -> dict[str, Concept]:
    return {concept.code: concept for concept in _vaccines()}


def all_vaccines() -> tuple[Concept, ...]:
    """Every vaccine, in file order."""
    return _vaccines()


def vaccine(code: str) -> Concept | None:
    """The vaccine with this local code (case-insensitive), or None."""
    return _by_code().get(code.strip().upper())


def vaccines_with_atc(atc: str) -> tuple[Concept, ...]:
    """The vaccines sharing an ATC code, e.g. to map an imported FHIR Immunization."""
    wanted = atc.strip().upper()
    return tuple(concept for concept in _vaccines() if wanted and concept.atc == wanted)
