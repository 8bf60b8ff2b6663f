import math
import re

import pytest

from api.interop.terminology import measurements
from api.interop.terminology.measurements import MeasurementError


@pytest.mark.parametrize(
    ("key", "loinc", "ucum"),
    [
        ("weight", "29463-7", "kg"),
        ("height", "8302-2", "cm"),
        ("bmi", "39156-5", "kg/m2"),
        ("systolic", "8480-6", "mm[Hg]"),
        ("diastolic", "8462-4", "mm[Hg]"),
        ("heart_rate", "8867-4", "/min"),
        ("respiratory_rate", "9279-1", "/min"),
        ("glucose", "2339-0", "g/L"),
        ("spo2", "2708-6", "%"),
        ("temperature", "8310-5", "Cel"),
        ("pain", "72514-3", "{score}"),
        ("steps", "41950-7", "{steps}/d"),
        ("head_circumference", "9843-4", "cm"),
        ("waist", "8280-0", "cm"),
    ],
)
def test_kind_uses_the_standard_loinc_code_and_ucum_unit(key: str, loinc: str, ucum: str) -> None:
    kind = measurements.kind(key)
    assert kind is not None
    assert (kind.loinc, kind.ucum) == (loinc, ucum)
    assert kind.minimum < kind.maximum
    assert kind.label("fr") and kind.label("en") and kind.display_unit("fr")


def test_kind_keys_and_codes_are_unique_snake_case() -> None:
    keys = [kind.key for kind in measurements.kinds()]
    codes = [code for kind in measurements.kinds() for code in (kind.loinc, *kind.alt_loinc)]
    assert len(set(keys)) == len(keys) == 14
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in keys)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("weight", 72.5, None),
        ("weight", 3.25, None),
        ("weight", 0, MeasurementError.BELOW_MINIMUM),
        ("weight", 900, MeasurementError.ABOVE_MAXIMUM),
        ("height", 175, None),
        ("height", 1.75, MeasurementError.BELOW_MINIMUM),
        ("temperature", 37.8, None),
        ("temperature", 378, MeasurementError.ABOVE_MAXIMUM),
        ("spo2", 97, None),
        ("spo2", 101, MeasurementError.ABOVE_MAXIMUM),
        ("heart_rate", 72, None),
        ("heart_rate", 72.5, MeasurementError.NOT_AN_INTEGER),
        ("heart_rate", math.nan, MeasurementError.NOT_A_NUMBER),
        ("heart_rate", math.inf, MeasurementError.NOT_A_NUMBER),
        ("glucose", 1.05, None),
        ("glucose", 110, MeasurementError.ABOVE_MAXIMUM),  # mg/dL typed as g/L
        ("pain", 0, None),
        ("pain", 10, None),
        ("pain", 11, MeasurementError.ABOVE_MAXIMUM),
        ("pain", -1, MeasurementError.BELOW_MINIMUM),
        ("steps", 8500, None),
        ("systolic", 120, None),
        ("systolic", 400, MeasurementError.ABOVE_MAXIMUM),
        ("diastolic", 80, None),
        ("diastolic", 10, MeasurementError.BELOW_MINIMUM),
        ("shoe_size", 42, MeasurementError.UNKNOWN_KIND),
    ],
)
def test_validate_value(key: str, value: float, expected: MeasurementError | None) -> None:
    assert measurements.validate_value(key, value) == expected


def test_error_codes_are_plain_machine_readable_strings() -> None:
    assert measurements.validate_value("pain", 11) == "above_maximum"


def test_normal_blood_pressure_is_accepted() -> None:
    assert measurements.validate_blood_pressure(120, 80) == {}


def test_implausible_blood_pressure_is_refused() -> None:
    assert measurements.validate_blood_pressure(400, 20) == {
        "systolic": MeasurementError.ABOVE_MAXIMUM
    }


@pytest.mark.parametrize(("systolic", "diastolic"), [(80, 120), (120, 120)])
def test_systolic_must_be_above_diastolic(systolic: float, diastolic: float) -> None:
    assert measurements.validate_blood_pressure(systolic, diastolic) == {
        "blood_pressure": MeasurementError.SYSTOLIC_NOT_ABOVE_DIASTOLIC
    }


def test_blood_pressure_panel_code() -> None:
    panel = measurements.lookup("85354-9")
    assert panel is measurements.BLOOD_PRESSURE_PANEL
    assert measurements.BLOOD_PRESSURE_COMPONENTS == ("systolic", "diastolic")


def test_alternative_codes_map_to_their_kind() -> None:
    spo2 = measurements.kind_for_loinc("59408-5")
    steps = measurements.kind_for_loinc("55423-8")
    assert spo2 is not None and spo2.key == "spo2"
    assert steps is not None and steps.key == "steps"
    concept = measurements.lookup("59408-5")
    assert concept is not None and concept.code == "2708-6"


def test_unknown_loinc_gives_none() -> None:
    assert measurements.kind_for_loinc("1234-5") is None
    assert measurements.lookup("1234-5") is None


def test_compute_bmi() -> None:
    assert measurements.compute_bmi(70, 175) == 22.9
    assert measurements.compute_bmi(3.5, 50) == 14.0


def test_compute_bmi_refuses_implausible_inputs() -> None:
    with pytest.raises(ValueError, match=r"^height\.below_minimum$"):
        measurements.compute_bmi(70, 1.75)


def test_round_value_uses_the_kind_precision() -> None:
    assert measurements.round_value("temperature", 37.84) == 37.8
    assert measurements.round_value("weight", 3.2504) == 3.25


def test_concepts_include_the_panel_before_its_components() -> None:
    codes = [concept.code for concept in measurements.concepts()]
    assert codes.index("85354-9") == codes.index("8480-6") - 1
    assert len(codes) == 15
