"""The measurement kinds a patient can record, built on the terminology module.

The terminology module knows systolic and diastolic pressures as two LOINC kinds; a
patient records them together, so here they form one kind, ``blood_pressure``, coded
with the LOINC panel 85354-9 whose two components are the systolic (the stored
``value``) and the diastolic (``value2``) pressures.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.interop.terminology import (
    BLOOD_PRESSURE_PANEL,
    MeasurementKind,
    measurement_kind,
    measurement_kinds,
)
from api.interop.terminology.concepts import Concept, is_english

BLOOD_PRESSURE = "blood_pressure"
# Keys of the record's kinds, in the order forms show them.
KEYS: tuple[str, ...] = (
    "weight", "height", "bmi", BLOOD_PRESSURE, "heart_rate", "respiratory_rate", "glucose",
    "spo2", "temperature", "pain", "steps", "head_circumference", "waist",
)
# Plain-word names of the two pressures, for forms and error messages.
_COMPONENT_NAMES = {
    "systolic": ("Tension haute (systolique)", "Upper blood pressure (systolic)"),
    "diastolic": ("Tension basse (diastolique)", "Lower blood pressure (diastolic)"),
}


@dataclass(frozen=True)
class Component:
    """One number of a measurement: its LOINC code, plain name and plausible range."""

    term: MeasurementKind

    @property
    def loinc(self) -> str:
        return self.term.loinc

    def name(self, lang: str) -> str:
        names = _COMPONENT_NAMES.get(self.term.key)
        if names is None:
            return self.term.label(lang)
        return names[1] if is_english(lang) else names[0]


@dataclass(frozen=True)
class KindSpec:
    """A kind the record offers, from the terminology catalogue: its name (the LOINC
    concept; the panel for blood pressure) and the term whose unit and precision its
    values take (the systolic pressure's for blood pressure)."""

    key: str
    name: Concept
    term: MeasurementKind
    # One component for a single value; systolic then diastolic for blood pressure.
    components: tuple[Component, ...]

    @property
    def paired(self) -> bool:
        return len(self.components) == 2

    @property
    def loinc(self) -> str:
        return self.name.code

    @property
    def ucum(self) -> str:
        return self.term.ucum

    @property
    def decimals(self) -> int:
        return self.term.decimals

    def label(self, lang: str) -> str:
        return self.name.label(lang)

    def display_unit(self, lang: str) -> str:
        return self.term.display_unit(lang)


def _term(key: str) -> MeasurementKind:
    found = measurement_kind(key)
    if found is None:  # pragma: no cover - the terminology module lists every key above
        raise LookupError(key)
    return found


def _spec(key: str) -> KindSpec:
    if key == BLOOD_PRESSURE:
        systolic, diastolic = _term("systolic"), _term("diastolic")
        return KindSpec(key, BLOOD_PRESSURE_PANEL, systolic,
                        (Component(systolic), Component(diastolic)))
    term = _term(key)
    return KindSpec(key, term.concept, term, (Component(term),))


SPECS: dict[str, KindSpec] = {key: _spec(key) for key in KEYS}


def spec(key: str) -> KindSpec | None:
    return SPECS.get(key)


def all_specs() -> tuple[KindSpec, ...]:
    return tuple(SPECS.values())


def _check_catalogue() -> None:
    """Every single-value kind of the terminology module is offered (bar the pressures)."""
    offered = set(KEYS) | {"systolic", "diastolic"}
    missing = {term.key for term in measurement_kinds()} - offered
    if missing:  # pragma: no cover - guards against a kind added upstream and forgotten here
        raise LookupError(f"measurement kinds not offered: {sorted(missing)}")


_check_catalogue()
