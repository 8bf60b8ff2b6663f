from datetime import UTC, datetime, timedelta

from api import clock
from api.records.measurements.models import Measurement
from tests.records.measurements.support import MINE, REMOVE, UPDATE, iso, signed_in_patient


async def test_owner_adds_a_weight_and_finds_it_in_their_record(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    taken = datetime(2026, 1, 10, 8, 30, tzinfo=UTC)
    with clock.frozen_at(taken + timedelta(days=1)):
        added = await alice.add(kind="WEIGHT", value=72.5, measuredAt=iso(taken),
                                note="  after breakfast ")
        body = await alice.ask(MINE)
    assert added["userErrors"] == []
    weight = added["measurement"]
    assert weight["kind"] == "WEIGHT"
    assert weight["loinc"] == "29463-7"
    assert weight["label"] == "Poids"
    assert weight["value"] == 72.5 and weight["value2"] is None
    assert weight["unit"] == "kg"
    assert weight["displayValue"] == "72,5 kg"
    assert weight["note"] == "after breakfast"
    assert weight["provenance"]["createdBy"]["role"] == "patient"
    listed = body["data"]["me"]["patient"]["measurements"]
    assert [item["id"] for item in listed["items"]] == [weight["id"]]
    assert datetime.fromisoformat(listed["items"][0]["measuredAt"]) == taken


async def test_a_blood_pressure_is_one_measurement_with_both_numbers(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    added = await alice.add(kind="BLOOD_PRESSURE", value=128, value2=82)
    pressure = added["measurement"]
    assert pressure["loinc"] == "85354-9"
    assert (pressure["value"], pressure["value2"]) == (128, 82)
    assert pressure["unit"] == "mm[Hg]"
    assert pressure["displayValue"] == "128/82 mmHg"
    assert await Measurement.all().count() == 1


async def test_the_unit_comes_from_the_kind(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    glucose = (await alice.add(kind="glucose", value=0.95))["measurement"]
    temperature = (await alice.add(kind="temperature", value=38.4))["measurement"]
    assert (glucose["unit"], glucose["displayValue"]) == ("g/L", "0,95 g/L")
    assert (temperature["unit"], temperature["displayUnit"]) == ("Cel", "°C")


async def test_a_value_is_kept_at_the_precision_of_its_kind(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    weight = (await alice.add(kind="WEIGHT", value=3.4567))["measurement"]
    height = (await alice.add(kind="HEIGHT", value=51.25))["measurement"]
    assert weight["value"] == 3.457
    assert height["value"] == 51.3


async def test_labels_and_numbers_follow_the_viewer_language(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    client.cookies.set("carnet_lang", "en")
    added = (await alice.add(kind="WEIGHT", value=72.5))["measurement"]
    assert (added["label"], added["displayValue"]) == ("Body weight", "72.5 kg")


async def test_owner_corrects_a_measurement_and_only_the_fields_given_change(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    added = (await alice.add(kind="BLOOD_PRESSURE", value=150, value2=90, note="stairs"))
    entry = added["measurement"]
    body = await alice.ask(UPDATE, input={"id": entry["id"], "value": 135})
    updated = body["data"]["updateMeasurement"]
    assert updated["userErrors"] == []
    assert updated["measurement"]["value"] == 135
    assert updated["measurement"]["value2"] == 90
    assert updated["measurement"]["note"] == "stairs"
    assert updated["measurement"]["measuredAt"] == entry["measuredAt"]
    body = await alice.ask(UPDATE, input={"id": entry["id"], "note": None})
    assert body["data"]["updateMeasurement"]["measurement"]["note"] is None
    stored = await Measurement.get(id=int(entry["id"]))
    assert (stored.value, stored.value2, stored.note) == (135, 90, None)


async def test_owner_removes_a_measurement(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    kept = (await alice.add(kind="WEIGHT", value=70))["measurement"]
    gone = (await alice.add(kind="WEIGHT", value=71))["measurement"]
    body = await alice.ask(REMOVE, id=gone["id"])
    assert body["data"]["removeMeasurement"] == {"removedId": gone["id"], "userErrors": []}
    listed = (await alice.ask(MINE))["data"]["me"]["patient"]["measurements"]
    assert [item["id"] for item in listed["items"]] == [kept["id"]]


async def test_a_removed_measurement_cannot_be_removed_twice(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    gone = (await alice.add(kind="WEIGHT", value=71))["measurement"]
    await alice.ask(REMOVE, id=gone["id"])
    body = await alice.ask(REMOVE, id=gone["id"])
    assert body["data"]["removeMeasurement"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_time_given_in_another_zone_is_the_same_instant(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    with clock.frozen_at(datetime(2026, 2, 1, tzinfo=UTC)):
        added = await alice.add(kind="WEIGHT", value=70, measuredAt="2026-01-10T09:00:00+01:00")
    stored = datetime.fromisoformat(added["measurement"]["measuredAt"])
    assert stored == datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
