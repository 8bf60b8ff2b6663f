"""Ranked reads whose SQL is built once per shape answer for the patients asked, each time.

The sections of a summary read their first pages through `api.per_patient` with a shape: the
SQL is built once, from stand-in ids, and later calls bind their own patients' ids into it.
A wrong binding would show one patient another's rows, so these tests read several patients
in turn through the same prepared SQL and compare with the same read built afresh.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api import clock, per_patient
from api.identity.models import Patient
from api.records.entries.models import Allergy, Treatment
from api.records.measurements.models import Measurement
from tests.factories import make_patient

pytestmark = pytest.mark.db


async def _patient_with(allergies: int, treatments: int, hidden: int = 0) -> Patient:
    patient = await make_patient()
    author = patient.account_id
    now = clock.now()
    common = {"patient_id": patient.id, "created_by_id": author, "updated_by_id": author,
              "created_at": now, "updated_at": now}
    for n in range(allergies):
        await Allergy.create(substance=f"Substance {patient.id}-{n}", **common)
    for n in range(hidden):
        await Allergy.create(substance=f"Hidden {patient.id}-{n}", confidential_for_minor=True,
                             **common)
    for n in range(treatments):
        await Treatment.create(medication=f"Drug {patient.id}-{n}", start_date=date(2020, 1, 1 + n),
                               **common)
    for n in range(3):
        await Measurement.create(kind="weight", value=60 + n, unit="kg",
                                 measured_at=now - timedelta(days=n), **common)
        await Measurement.create(kind="spo2", value=95 + n, unit="%",
                                 measured_at=now - timedelta(days=n), **common)
    return patient


def _allergies(with_confidential: bool):  # type: ignore[no-untyped-def]
    def build(ids: list[int]):  # type: ignore[no-untyped-def]
        query = Allergy.filter(patient_id__in=ids)
        return query if with_confidential else query.filter(confidential_for_minor=False)
    return build


def _texts(found: dict[int, list[Allergy]]) -> dict[int, list[str]]:
    return {patient_id: [row.substance for row in rows] for patient_id, rows in found.items()}


async def test_the_same_shape_read_for_other_patients_gives_each_their_own_rows(db) -> None:
    first = await _patient_with(allergies=2, treatments=1, hidden=1)
    second = await _patient_with(allergies=3, treatments=0)
    third = await _patient_with(allergies=1, treatments=2, hidden=2)
    shape = ("test allergies", "no confidential")
    build = _allergies(with_confidential=False)
    for asked in ([first.id], [second.id], [third.id], [first.id, third.id],
                  [second.id, third.id], [first.id]):
        prepared = await per_patient.first_pages(None, ["id"], 10, shape=shape, build=build,
                                                 patient_ids=asked)
        afresh = await per_patient.first_pages(build(asked), ["id"], 10)
        assert _texts(prepared[0]) == _texts(afresh[0]), asked
        assert prepared[1] == afresh[1], asked
        assert set(prepared[0]) == set(asked)
        for patient_id, rows in prepared[0].items():
            assert all(row.patient_id == patient_id for row in rows)
            assert all(row.substance.startswith(f"Substance {patient_id}-") for row in rows)
    # One and two patients: two statements built, then only bound again.
    assert {key[1] for key in per_patient._prepared if key[0] == shape} == {1, 2}


async def test_the_confidentiality_rule_is_part_of_the_shape(db) -> None:
    patient = await _patient_with(allergies=1, treatments=0, hidden=2)
    seen = {}
    for with_confidential in (False, True, False):
        found, totals = await per_patient.first_pages(
            None, ["id"], 10, shape=("test allergies", with_confidential),
            build=_allergies(with_confidential), patient_ids=[patient.id])
        seen[with_confidential] = (len(found[patient.id]), totals[patient.id])
    assert seen == {False: (1, 1), True: (3, 3)}


async def test_a_shape_whose_ids_cannot_be_placed_is_built_on_every_call(db) -> None:
    first = await _patient_with(allergies=1, treatments=0)
    second = await _patient_with(allergies=2, treatments=0)

    def twice(ids: list[int]):  # type: ignore[no-untyped-def]
        # The ids stand twice in the parameters: the prepared SQL could not bind them.
        return Allergy.filter(patient_id__in=ids).filter(patient_id__in=ids)

    for patient in (first, second, first):
        found, totals = await per_patient.first_pages(
            None, ["id"], 10, shape=("test twice",), build=twice, patient_ids=[patient.id])
        assert set(found) == {patient.id}
        assert totals[patient.id] == (1 if patient is first else 2)
    assert per_patient._prepared[(("test twice",), 1, 10, True, None)] is None


async def test_measurements_of_several_kinds_are_read_for_the_patients_asked(db) -> None:
    first = await _patient_with(allergies=0, treatments=0)
    second = await _patient_with(allergies=0, treatments=0)
    kinds = ["spo2", "weight"]

    def build(ids: list[int]):  # type: ignore[no-untyped-def]
        return Measurement.filter(patient_id__in=ids).filter(kind__in=kinds)

    for patient in (first, second):
        found, totals = await per_patient.first_pages_by(
            None, "kind", ["measured_at", "id"], 2, shape=("test kinds", tuple(kinds)),
            build=build, patient_ids=[patient.id])
        assert set(found) == {(patient.id, "spo2"), (patient.id, "weight")}
        assert [row.value for row in found[(patient.id, "weight")]] == [60, 61]
        assert totals[(patient.id, "weight")] == 3
