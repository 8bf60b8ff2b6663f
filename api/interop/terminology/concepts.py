"""The shared vocabulary of the terminology layer: code systems and concepts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Canonical FHIR system URIs, for the exporters.
ICD10_URI = "http://hl7.org/fhir/sid/icd-10"
LOINC_URI = "http://loinc.org"
ATC_URI = "http://www.whocc.no/atc"
UCUM_URI = "http://unitsofmeasure.org"


class System(StrEnum):
    """The code systems Carnet knows about."""

    ICD10 = "icd10"
    LOINC_MEASUREMENT = "loinc_measurement"
    LOINC_DOCUMENT = "loinc_document"
    VACCINE = "vaccine"


def is_english(lang: str) -> bool:
    """French is the default language; anything starting with "en" is English."""
    return lang.strip().lower().startswith("en")


@dataclass(frozen=True, slots=True)
class Concept:
    """One coded concept, with its labels in both supported languages.

    The optional fields are used by some systems only:
    - ``category``: the document category (documents only).
    - ``detail_fr`` / ``detail_en``: a short complement shown under the label:
      the diseases a vaccine targets, the display unit of a measurement.
    - ``atc``: the WHO ATC code of a vaccine, empty when it is not known.
    - ``alt_codes``: other codes of the same system accepted as meaning this
      concept (e.g. LOINC 59408-5 for oxygen saturation by pulse oximetry).
    """

    system: System
    code: str
    label_fr: str
    label_en: str
    category: str = ""
    detail_fr: str = ""
    detail_en: str = ""
    atc: str = ""
    alt_codes: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_en if is_english(lang) else self.label_fr

    def detail(self, lang: str) -> str:
        return self.detail_en if is_english(lang) else self.detail_fr
