from datetime import timedelta

import pytest

from api import clock
from api.records.measurements.models import Measurement
from tests.records.measurements.support import UPDATE, iso, signed_in_patient


async def _refused(client, settings, **fields):
    alice = await signed_in_patient(client, settings.secret_key)
    result = await alice.add(**fields)
    assert result["measurement"] is None
    assert await Measurement.all().count() == 0, "a refused measurement must not be stored"
    return result["userErrors"]


async def test_a_blood_pressure_of_400_over_20_is_refused_in_plain_words(client, settings):
    errors = await _refused(client, settings, kind="BLOOD_PRESSURE", value=400, value2=20)
    assert [(e["field"], e["code"]) for e in errors] == [("value", "ABOVE_MAXIMUM")]
    message = errors[0]["message"]
    assert "Tension haute" in message and "400 mmHg" in message and "trop haut" in message
    assert "entre 40 et 300 mmHg" in message


async def test_the_same_refusal_reads_in_english_for_an_english_viewer(client, settings):
    client.cookies.set("carnet_lang", "en")
    errors = await _refused(client, settings, kind="BLOOD_PRESSURE", value=400, value2=20)
    assert errors[0]["message"].startswith("Upper blood pressure (systolic): 400 mmHg is too high")


async def test_a_negative_weight_is_refused(client, settings):
    errors = await _refused(client, settings, kind="WEIGHT", value=-3)
    assert [(e["field"], e["code"]) for e in errors] == [("value", "BELOW_MINIMUM")]
    assert errors[0]["message"].startswith("Poids\u202f: -3 kg, c'est trop bas")
    assert "entre 0,2 et 500 kg" in errors[0]["message"]


async def test_a_measurement_in_the_future_is_refused(client, settings):
    tomorrow = iso(clock.now() + timedelta(days=1))
    errors = await _refused(client, settings, kind="WEIGHT", value=70, measuredAt=tomorrow)
    assert [(e["field"], e["code"]) for e in errors] == [("measuredAt", "DATE_IN_FUTURE")]
    assert "futur" in errors[0]["message"]


async def test_an_unknown_kind_is_refused(client, settings):
    errors = await _refused(client, settings, kind="CHOLESTEROL", value=2)
    assert [(e["field"], e["code"]) for e in errors] == [("kind", "UNKNOWN_KIND")]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"kind": "BLOOD_PRESSURE", "value": 120}, [("value2", "VALUE2_REQUIRED")]),
    ({"kind": "BLOOD_PRESSURE", "value": 80, "value2": 120},
     [("value", "SYSTOLIC_NOT_ABOVE_DIASTOLIC")]),
    ({"kind": "BLOOD_PRESSURE", "value": 120, "value2": 250}, [("value2", "ABOVE_MAXIMUM")]),
    ({"kind": "WEIGHT", "value": 70, "value2": 80}, [("value2", "VALUE2_NOT_ALLOWED")]),
    ({"kind": "HEART_RATE", "value": 72.5}, [("value", "NOT_AN_INTEGER")]),
    ({"kind": "SPO2", "value": 101}, [("value", "ABOVE_MAXIMUM")]),
    ({"kind": "GLUCOSE", "value": 110}, [("value", "ABOVE_MAXIMUM")]),
    ({"kind": "PAIN", "value": 11}, [("value", "ABOVE_MAXIMUM")]),
    ({"kind": "WEIGHT", "value": 70, "measuredAt": "1979-12-31T12:00:00+00:00"},
     [("measuredAt", "DATE_BEFORE_BIRTH")]),
    ({"kind": "WEIGHT", "value": 70, "measuredAt": "2025-01-01T08:00:00"},
     [("measuredAt", "TIME_ZONE_REQUIRED")]),
    ({"kind": "WEIGHT", "value": 70, "note": "x" * 2001}, [("note", "TOO_LONG")]),
])
async def test_implausible_input_is_refused_and_nothing_is_stored(client, settings, fields,
                                                                  expected):
    errors = await _refused(client, settings, **fields)
    assert [(e["field"], e["code"]) for e in errors] == expected
    assert all(e["message"] for e in errors)


async def test_a_correction_to_an_impossible_value_changes_nothing(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    entry = (await alice.add(kind="WEIGHT", value=70, note="morning"))["measurement"]
    body = await alice.ask(UPDATE, input={"id": entry["id"], "value": -3, "note": "changed"})
    result = body["data"]["updateMeasurement"]
    assert result["measurement"] is None
    assert [e["code"] for e in result["userErrors"]] == ["BELOW_MINIMUM"]
    stored = await Measurement.get(id=int(entry["id"]))
    assert (stored.value, stored.note) == (70, "morning")


async def test_clearing_the_diastolic_of_a_blood_pressure_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    entry = (await alice.add(kind="BLOOD_PRESSURE", value=120, value2=80))["measurement"]
    body = await alice.ask(UPDATE, input={"id": entry["id"], "value2": None})
    assert [e["code"] for e in body["data"]["updateMeasurement"]["userErrors"]] == [
        "VALUE2_REQUIRED"]
    assert (await Measurement.get(id=int(entry["id"]))).value2 == 80
