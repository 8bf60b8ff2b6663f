from collections import Counter
from datetime import date, timedelta

from api import clock
from api.identity.models import Role
from api.records.measurements import demo
from api.records.measurements.kinds import SPECS
from api.records.measurements.models import Measurement
from api.records.measurements.services import check_values
from tests.factories import make_account, make_patient


async def _kinds(patient):
    return Counter(row.kind for row in await Measurement.filter(patient_id=patient.id))


async def test_an_adult_gets_a_year_of_plausible_readings_once(db):
    adult = await make_patient(birth_date=date(1970, 5, 1))
    await demo.load(adult, adult.account_id)
    await demo.load(adult, adult.account_id)
    kinds = await _kinds(adult)
    assert kinds["weight"] == 52 and kinds["blood_pressure"] == 12
    assert kinds["heart_rate"] > 0 and kinds["glucose"] > 0 and kinds["temperature"] > 0
    rows = await Measurement.filter(patient_id=adult.id)
    assert min(row.measured_at for row in rows) >= clock.now() - timedelta(days=366)
    assert max(row.measured_at for row in rows) <= clock.now()
    for row in rows:
        value2 = None if row.value2 is None else float(row.value2)
        assert check_values(SPECS[row.kind], float(row.value), value2) == [], row.kind


async def test_a_child_gets_growth_points_from_birth(db):
    child = await make_patient(account=False,
                               birth_date=clock.now().date() - timedelta(days=4 * 365))
    parent = await make_account(Role.PATIENT)
    await demo.load(child, parent.id)
    kinds = await _kinds(child)
    assert set(kinds) == {"height", "weight", "head_circumference"}
    heights = [float(row.value) for row in
               await Measurement.filter(patient_id=child.id, kind="height").order_by("measured_at")]
    assert heights == sorted(heights) and 45 < heights[0] < 55 and heights[-1] > 90
