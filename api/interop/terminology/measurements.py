"""Measurement kinds of the ``measurements`` section: LOINC codes, UCUM units, ranges.

Codes follow the FHIR R4 vital-signs profiles and the French "mesures de santé"
implementation guide (ANS). Choices worth knowing:

- oxygen saturation uses 2708-6, the code the FHIR oxygen saturation profile
  requires; 59408-5 (pulse oximetry) is accepted as an alternative and an
  exporter should emit both codings, as US Core does.
- daily steps use 41950-7 "Number of steps in 24 hour, Measured": the kind is a
  daily total, and the French "mesures de santé" guide uses that code.
  55423-8 ("in unspecified time, Pedometer") is accepted as an alternative.
- glucose is stored in g/L with 2339-0 (glucose, mass/volume, blood): g/L is the
  unit French laboratories and patients' meters display and in which the French
  thresholds are written (fasting diabetes >= 1.26 g/L). The mass/volume code
  matches that unit; 15074-8 would mean mmol/L. 1 g/L = 100 mg/dL.

The ranges are *plausibility* bounds, wide enough for newborns and extreme but
real values; they catch typing and unit mistakes (110 typed as g/L), they are
not clinical norms. Validation returns machine-readable error codes; the caller
translates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from .concepts import Concept, System, is_english


class MeasurementError(StrEnum):
    UNKNOWN_KIND = "unknown_kind"
    NOT_A_NUMBER = "not_a_number"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    NOT_AN_INTEGER = "not_an_integer"
    SYSTOLIC_NOT_ABOVE_DIASTOLIC = "systolic_not_above_diastolic"


@dataclass(frozen=True, slots=True)
class MeasurementKind:
    key: str
    loinc: str
    label_fr: str
    label_en: str
    ucum: str
    unit_fr: str
    unit_en: str
    minimum: float
    maximum: float
    decimals: int
    alt_loinc: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_en if is_english(lang) else self.label_fr

    def display_unit(self, lang: str) -> str:
        return self.unit_en if is_english(lang) else self.unit_fr

    @property
    def concept(self) -> Concept:
        return Concept(
            System.LOINC_MEASUREMENT,
            self.loinc,
            self.label_fr,
            self.label_en,
            detail_fr=self.unit_fr,
            detail_en=self.unit_en,
            alt_codes=self.alt_loinc,
        )


def _kind(
    key: str,
    loinc: str,
    fr: str,
    en: str,
    ucum: str,
    unit: str | tuple[str, str],
    bounds: tuple[float, float],
    decimals: int,
    alt: tuple[str, ...] = (),
) -> MeasurementKind:
    unit_fr, unit_en = (unit, unit) if isinstance(unit, str) else unit
    return MeasurementKind(
        key, loinc, fr, en, ucum, unit_fr, unit_en, bounds[0], bounds[1], decimals, alt
    )


# Weight keeps grams (3 decimals) because newborns are weighed to the gram.
# fmt: off
KINDS: tuple[MeasurementKind, ...] = (
    _kind("weight", "29463-7", "Poids", "Body weight", "kg", "kg", (0.2, 500), 3),
    _kind("height", "8302-2", "Taille", "Body height", "cm", "cm", (20, 250), 1),
    _kind("bmi", "39156-5", "Indice de masse corporelle (IMC)", "Body mass index (BMI)",
          "kg/m2", "kg/m²", (5, 100), 1),
    _kind("systolic", "8480-6", "Pression artérielle systolique", "Systolic blood pressure",
          "mm[Hg]", "mmHg", (40, 300), 0),
    _kind("diastolic", "8462-4", "Pression artérielle diastolique",
          "Diastolic blood pressure", "mm[Hg]", "mmHg", (20, 200), 0),
    _kind("heart_rate", "8867-4", "Fréquence cardiaque", "Heart rate", "/min",
          ("battements/min", "beats/min"), (20, 300), 0),
    _kind("respiratory_rate", "9279-1", "Fréquence respiratoire", "Respiratory rate",
          "/min", ("cycles/min", "breaths/min"), (2, 120), 0),
    _kind("glucose", "2339-0", "Glycémie", "Blood glucose", "g/L", "g/L", (0.1, 15), 2),
    _kind("spo2", "2708-6", "Saturation en oxygène (SpO2)", "Oxygen saturation (SpO2)",
          "%", "%", (50, 100), 0, alt=("59408-5",)),
    _kind("temperature", "8310-5", "Température corporelle", "Body temperature", "Cel",
          "°C", (25, 45), 1),
    _kind("pain", "72514-3", "Intensité de la douleur (0 à 10)", "Pain severity (0 to 10)",
          "{score}", "/10", (0, 10), 0),
    _kind("steps", "41950-7", "Nombre de pas par jour", "Steps per day", "{steps}/d",
          ("pas/jour", "steps/day"), (0, 100_000), 0, alt=("55423-8",)),
    _kind("head_circumference", "9843-4", "Périmètre crânien", "Head circumference", "cm",
          "cm", (20, 70), 1),
    _kind("waist", "8280-0", "Tour de taille", "Waist circumference", "cm", "cm",
          (30, 250), 1),
)
# fmt: on

# Blood pressure is recorded as this panel with systolic and diastolic components.
BLOOD_PRESSURE_PANEL = Concept(
    System.LOINC_MEASUREMENT,
    "85354-9",
    "Pression artérielle (tension)",
    "Blood pressure",
    detail_fr="mmHg",
    detail_en="mmHg",
)
BLOOD_PRESSURE_COMPONENTS = ("systolic", "diastolic")

_BY_KEY = {kind.key: kind for kind in KINDS}
_BY_LOINC = {code: kind for kind in KINDS for code in (kind.loinc, *kind.alt_loinc)}


def kinds() -> tuple[MeasurementKind, ...]:
    return KINDS


def kind(key: str) -> MeasurementKind | None:
    return _BY_KEY.get(key)


def kind_for_loinc(code: str) -> MeasurementKind | None:
    """The kind a LOINC code (main or alternative) stands for."""
    return _BY_LOINC.get(code.strip())


def concepts() -> tuple[Concept, ...]:
    """Every measurement concept; the blood-pressure panel comes before its parts."""
    result: list[Concept] = []
    for spec in KINDS:
        if spec.key == BLOOD_PRESSURE_COMPONENTS[0]:
            result.append(BLOOD_PRESSURE_PANEL)
        result.append(spec.concept)
    return tuple(result)


def lookup(code: str) -> Concept | None:
    code = code.strip()
    if code == BLOOD_PRESSURE_PANEL.code:
        return BLOOD_PRESSURE_PANEL
    found = _BY_LOINC.get(code)
    return found.concept if found else None


def validate_value(kind_key: str, value: float) -> MeasurementError | None:
    """None when the value is plausible for the kind, else the error code."""
    spec = _BY_KEY.get(kind_key)
    if spec is None:
        return MeasurementError.UNKNOWN_KIND
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return MeasurementError.NOT_A_NUMBER
    if not math.isfinite(value):
        return MeasurementError.NOT_A_NUMBER
    if value < spec.minimum:
        return MeasurementError.BELOW_MINIMUM
    if value > spec.maximum:
        return MeasurementError.ABOVE_MAXIMUM
    if spec.decimals == 0 and value != int(value):
        return MeasurementError.NOT_AN_INTEGER
    return None


def validate_blood_pressure(systolic: float, diastolic: float) -> dict[str, MeasurementError]:
    """Errors by field ("systolic", "diastolic", or "blood_pressure" for the pair)."""
    errors: dict[str, MeasurementError] = {}
    for key, value in (("systolic", systolic), ("diastolic", diastolic)):
        if (error := validate_value(key, value)) is not None:
            errors[key] = error
    if not errors and systolic <= diastolic:
        errors["blood_pressure"] = MeasurementError.SYSTOLIC_NOT_ABOVE_DIASTOLIC
    return errors


def round_value(kind_key: str, value: float) -> float:
    """The value rounded to the precision the kind is stored and shown with."""
    spec = _BY_KEY.get(kind_key)
    if spec is None:
        raise KeyError(kind_key)
    return round(value, spec.decimals)


def compute_bmi(weight_kg: float, height_cm: float) -> float:
    """Body mass index, kg/m², rounded to one decimal.

    Raises ValueError whose message is the error code when an input is not
    plausible; the result itself is not range-checked (validate it as "bmi").
    """
    for key, value in (("weight", weight_kg), ("height", height_cm)):
        if (error := validate_value(key, value)) is not None:
            raise ValueError(f"{key}.{error}")
    metres = height_cm / 100
    return round(weight_kg / (metres * metres), 1)
