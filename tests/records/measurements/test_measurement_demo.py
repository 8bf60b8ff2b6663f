"""The demo measurements: each demo person's own readings, plausible, in the past, once."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from api import clock
from api.identity.demo import EMERGENCY_OPENED, moment
from api.identity.models import Professional
from api.records.measurements import demo
from api.records.measurements.kinds import SPECS
from api.records.measurements.models import Measurement
from api.records.measurements.services import check_values
from tests.demo.support import demo_people
from tests.factories import make_patient


async def _kinds(patient):
    return Counter(row.kind for row in await Measurement.filter(patient_id=patient.id))


async def test_every_demo_reading_is_plausible_and_in_the_past(db):
    for patient, keeper in (await demo_people()).values():
        await demo.load(patient, keeper)
        rows = await Measurement.filter(patient_id=patient.id)
        assert rows, patient.first_names
        assert max(row.measured_at for row in rows) <= clock.now()
        for row in rows:
            value2 = None if row.value2 is None else float(row.value2)
            assert check_values(SPECS[row.kind], float(row.value), value2) == [], row.kind


async def test_jean_follows_his_blood_pressure_and_weight_at_home_once(db):
    patient, jean = (await demo_people())["Jean"]
    await demo.load(patient, jean)
    assert await demo.load(patient, jean) == 0
    kinds = await _kinds(patient)
    assert kinds["weight"] == 52 and kinds["blood_pressure"] == 24 and kinds["heart_rate"] == 24
    pressures = [row.value for row in await Measurement.filter(
        patient_id=patient.id, kind="blood_pressure").order_by("measured_at")]
    first, last = sum(pressures[:6]) / 6, sum(pressures[-6:]) / 6
    assert last < first  # the treatment works


async def test_paule_checks_her_blood_sugar_and_the_low_reading_is_there(db):
    patient, paule = (await demo_people())["Paule"]
    await demo.load(patient, paule)
    glucose = await Measurement.filter(patient_id=patient.id, kind="glucose")
    assert len(glucose) > 40
    [low] = [row for row in glucose if row.value < Decimal("0.7")]
    opened = moment(clock.now(), EMERGENCY_OPENED)
    assert low.value == Decimal("0.45") and opened - timedelta(hours=1) < low.measured_at < opened


async def test_leo_has_growth_points_from_birth(db):
    patient, mother = (await demo_people())["Léo"]
    await demo.load(patient, mother)
    assert set(await _kinds(patient)) == {"height", "weight", "head_circumference"}
    heights = [float(row.value) for row in await Measurement.filter(
        patient_id=patient.id, kind="height").order_by("measured_at")]
    assert heights == sorted(heights) and 45 < heights[0] < 55 and heights[-1] > 130


async def test_the_readings_of_camilles_consultation_are_her_doctors(db):
    patient, camille = (await demo_people())["Camille"]
    await demo.load(patient, camille)
    bernard = await Professional.get(last_name="BERNARD")
    by_doctor = await Measurement.filter(patient_id=patient.id,
                                         created_by_id=bernard.account_id)
    assert {row.kind for row in by_doctor} == {"weight", "blood_pressure", "heart_rate", "spo2"}


async def test_someone_outside_the_demo_gets_no_readings(db):
    stranger = await make_patient()
    assert await demo.load(stranger, stranger.account_id) == 0
