from datetime import UTC, date, datetime

from api.identity.models import Role
from api.records.measurements.models import Measurement
from tests.factories import graphql, make_account, make_patient, make_professional, sign_in
from tests.records.measurements.support import (
    ADD,
    REMOVE,
    UPDATE,
    Person,
    signed_in_patient,
    store,
)

CHILDREN = "{ me { represented { displayName measurements { items { kind value } } } } }"


async def _someone_elses_weight():
    other = await make_patient(first_names="Bea")
    await store(other, "weight", [(datetime(2025, 6, 1, tzinfo=UTC), 64)])
    return other, await Measurement.get(patient_id=other.id)


async def test_a_parent_records_and_reads_their_childs_measurements(client, settings):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2019, 4, 2),
                               guardian=parent)
    csrf = await sign_in(client, parent, settings.secret_key)
    person = Person(client, csrf, child)
    added = await person.add(kind="HEAD_CIRCUMFERENCE", value=50.5)
    assert added["userErrors"] == []
    body = await person.ask(CHILDREN)
    [record] = body["data"]["me"]["represented"]
    assert [(m["kind"], m["value"]) for m in record["measurements"]["items"]] == [
        ("HEAD_CIRCUMFERENCE", 50.5)]


async def test_a_stranger_cannot_add_to_someone_elses_record(client, settings):
    other, _ = await _someone_elses_weight()
    stranger = await signed_in_patient(client, settings.secret_key)
    body = await stranger.ask(ADD, input={"patientId": str(other.id), "kind": "WEIGHT",
                                          "value": 99, "measuredAt": "2025-06-02T08:00:00Z"})
    assert body["data"]["addMeasurement"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert await Measurement.filter(patient_id=other.id).count() == 1


async def test_a_stranger_cannot_change_or_remove_someone_elses_measurement(client, settings):
    _, weight = await _someone_elses_weight()
    stranger = await signed_in_patient(client, settings.secret_key)
    changed = await stranger.ask(UPDATE, input={"id": str(weight.id), "value": 99})
    removed = await stranger.ask(REMOVE, id=str(weight.id))
    assert changed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert removed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await Measurement.get(id=weight.id)).value == 64


async def test_a_professional_without_consent_sees_the_same_not_found(client, settings):
    other, _ = await _someone_elses_weight()
    doctor = await make_professional()
    csrf = await sign_in(client, await doctor.account, settings.secret_key)
    body = await graphql(client, csrf, ADD, {"input": {
        "patientId": str(other.id), "kind": "WEIGHT", "value": 99,
        "measuredAt": "2025-06-02T08:00:00Z"}})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_unknown_record_looks_like_a_record_out_of_reach(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    missing = await alice.ask(ADD, input={"patientId": "999999", "kind": "WEIGHT", "value": 70,
                                          "measuredAt": "2025-06-02T08:00:00Z"})
    removed = await alice.ask(REMOVE, id="999999")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert removed["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert missing["errors"][0]["message"] == removed["errors"][0]["message"]


async def test_a_malformed_id_is_a_clear_error(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    body = await alice.ask(REMOVE, id="12; drop table")
    assert body["errors"][0]["extensions"]["code"] == "BAD_ID"


async def test_nobody_signed_in_cannot_add_anything(client, settings):
    other, _ = await _someone_elses_weight()
    body = await graphql(client, "", ADD, {"input": {
        "patientId": str(other.id), "kind": "WEIGHT", "value": 99,
        "measuredAt": "2025-06-02T08:00:00Z"}})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Measurement.filter(patient_id=other.id).count() == 1


ONE = "query One($id: ID!) { measurement(id: $id) { id kind value patientId } }"


async def test_one_measurement_is_read_by_id_and_says_which_record_it_belongs_to(
        client, settings):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2019, 4, 2),
                               guardian=parent)
    csrf = await sign_in(client, parent, settings.secret_key)
    added = await Person(client, csrf, child).add(kind="HEAD_CIRCUMFERENCE", value=50.5)
    measurement_id = added["measurement"]["id"]
    body = await graphql(client, csrf, ONE, {"id": measurement_id})
    assert "errors" not in body
    assert body["data"] == {"measurement": {"id": measurement_id, "kind": "HEAD_CIRCUMFERENCE",
                                            "value": 50.5, "patientId": str(child.id)}}


async def test_a_stranger_cannot_read_someone_elses_measurement(client, settings):
    _, weight = await _someone_elses_weight()
    stranger = await signed_in_patient(client, settings.secret_key)
    body = await stranger.ask(ONE, id=str(weight.id))
    assert body["data"] == {"measurement": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
