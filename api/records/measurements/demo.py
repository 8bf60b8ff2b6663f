"""Demo measurements: each demo person's own readings, from their story. Idempotent.

Léo has his growth points from birth (the compulsory child check-ups); Camille a few
readings, the latest taken by Dr BERNARD at her consultation; Jean, whose hypertension and
atrial fibrillation are treated, measures his blood pressure and pulse at home twice a month
and weighs himself every week; Paule, diabetic, checks her fasting blood sugar every week
(the low reading of the day she was taken to hospital among them) and her weight and blood
pressure every month. The values drift slowly with some noise, reproducibly.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from api import clock
from api.identity import demo as people
from api.identity.models import Patient
from api.records.measurements.kinds import SPECS
from api.records.measurements.models import Measurement

# Typical (median) growth by age in months: height cm, weight kg, head circumference cm.
_GROWTH: tuple[tuple[float, float, float, float], ...] = (
    (0, 50.0, 3.3, 34.5), (1, 54.5, 4.4, 37.3), (2, 58.0, 5.4, 39.0), (4, 63.0, 6.6, 41.5),
    (6, 66.5, 7.6, 43.3), (9, 71.0, 8.7, 45.0), (12, 75.0, 9.4, 46.1), (18, 81.5, 10.7, 47.4),
    (24, 87.0, 11.9, 48.3), (36, 95.0, 14.0, 49.6), (48, 102.5, 16.0, 50.3),
    (60, 109.5, 18.2, 50.8), (72, 116.0, 20.5, 51.2), (96, 127.5, 25.5, 52.0),
    (120, 138.0, 31.5, 52.7), (144, 149.0, 39.0, 53.5), (168, 162.0, 50.0, 54.5),
    (192, 170.0, 58.0, 55.3), (216, 174.0, 64.0, 55.8),
)
# Ages (months) of the compulsory child check-ups, then one visit a year.
_CHECKUPS = (0.25, 1, 2, 3, 4, 5, 6, 9, 12, 16, 24, 30, 36, 42, 48, 54, 60,
             *range(72, 216, 12))
_HEAD_UNTIL_MONTHS = 36


def _growth_at(months: float) -> tuple[float, float, float]:
    for (m0, *low), (m1, *high) in pairwise(_GROWTH):
        if m0 <= months <= m1:
            share = (months - m0) / (m1 - m0)
            h, w, c = (a + (b - a) * share for a, b in zip(low, high, strict=True))
            return h, w, c
    return _GROWTH[-1][1], _GROWTH[-1][2], _GROWTH[-1][3]


class _Rows:
    def __init__(self, patient: Patient, author_account_id: int) -> None:
        self.patient, self.author = patient, author_account_id
        self.rows: list[Measurement] = []

    def add(self, kind: str, at: datetime, value: float, value2: float | None = None,
            author: int | None = None) -> None:
        spec = SPECS[kind]
        step = Decimal(1).scaleb(-spec.decimals)
        by = author or self.author
        self.rows.append(Measurement(
            patient_id=self.patient.id, kind=kind, unit=spec.ucum, measured_at=at,
            value=Decimal(str(value)).quantize(step),
            value2=None if value2 is None else Decimal(str(value2)).quantize(step),
            created_at=at, updated_at=at, created_by_id=by, updated_by_id=by,
        ))


async def leo(rows: _Rows, now: datetime, rng: random.Random) -> None:
    """Height, weight and (until three) head circumference at each check-up."""
    born = datetime.combine(rows.patient.birth_date, time(10, 0), tzinfo=UTC)
    curve = rng.uniform(-0.03, 0.03)  # the same child stays near his own curve
    for months in _CHECKUPS:
        at = born + timedelta(days=months * 30.44)
        if at >= now:
            break
        height, weight, head = _growth_at(months)
        spread = curve + rng.uniform(-0.005, 0.005)
        rows.add("height", at, round(height * (1 + spread / 2), 1))
        rows.add("weight", at, round(weight * (1 + spread), 3))
        if months <= _HEAD_UNTIL_MONTHS:
            rows.add("head_circumference", at, round(head * (1 + spread / 3), 1))


def _morning(now: datetime, days_ago: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=7, minute=30, second=0, microsecond=0)


async def camille(rows: _Rows, now: datetime, rng: random.Random) -> None:
    """Weighed now and then at home; blood pressure and pulse at her doctor's."""
    rows.add("height", _morning(now, people.JOINED_DAYS_AGO), 168.0)
    for days_ago in (340, 250, 160, 70):
        rows.add("weight", _morning(now, days_ago), round(rng.uniform(59.5, 61.5), 1))
    fever = _morning(now, 400) + timedelta(hours=12)
    for day, value in enumerate((38.6, 38.1, 37.2)):
        rows.add("temperature", fever + timedelta(days=day), value)
    doctor = (await people.professional_accounts(people.BERNARD)).get(people.BERNARD)
    if doctor is not None:  # her consultation, in the doctor's hand
        seen = people.moment(now, people.CAMILLE_CONSULTATION) + timedelta(minutes=10)
        rows.add("weight", seen, 60.4, author=doctor)
        rows.add("blood_pressure", seen, 112, 71, author=doctor)
        rows.add("heart_rate", seen, 74, author=doctor)
        rows.add("spo2", seen, 98, author=doctor)


async def jean(rows: _Rows, now: datetime, rng: random.Random) -> None:
    """A year of home readings: blood pressure coming down under treatment, a steady pulse."""
    rows.add("height", _morning(now, people.JOINED_DAYS_AGO), 176.0)
    weight = 89.0
    for week in range(52, 0, -1):
        weight += rng.uniform(-0.3, 0.22)
        rows.add("weight", _morning(now, week * 7), round(weight, 1))
    for reading in range(24, 0, -1):
        at = _morning(now, reading * 15 + 1) + timedelta(minutes=20)
        trend = reading / 24  # 1 a year ago, towards 0 today
        rows.add("blood_pressure", at, round(131 + 14 * trend + rng.uniform(-5, 5)),
                 round(79 + 7 * trend + rng.uniform(-4, 4)))
        rows.add("heart_rate", at, rng.randint(58, 72))


async def paule(rows: _Rows, now: datetime, rng: random.Random) -> None:
    """Fasting blood sugar every week, weight and blood pressure every month."""
    rows.add("height", _morning(now, people.JOINED_DAYS_AGO), 157.0)
    fall = people.moment(now, people.EMERGENCY_OPENED) - timedelta(minutes=35)
    for week in range(52, 0, -1):
        at = _morning(now, week * 7 + 2)
        if abs(at - fall) > timedelta(days=3):
            rows.add("glucose", at, round(rng.uniform(1.12, 1.48), 2))
    rows.add("glucose", fall, 0.45)
    for month in range(12, 0, -1):
        at = _morning(now, month * 30) + timedelta(hours=2)
        rows.add("weight", at, round(66.5 - 0.15 * (12 - month) + rng.uniform(-0.4, 0.4), 1))
        rows.add("blood_pressure", at, rng.randint(128, 142), rng.randint(72, 82))
        if month % 4 == 0:
            rows.add("waist", at, round(rng.uniform(91, 93), 1))


STORIES: dict[str, Callable[[_Rows, datetime, random.Random], Awaitable[None]]] = {
    people.CAMILLE: camille, people.LEO: leo, people.JEAN: jean, people.PAULE: paule,
}


async def load(patient: Patient, keeper_account_id: int) -> int:
    """Create a demo person's measurements unless they have some; how many were added."""
    story = STORIES.get(patient.ins_nir)
    if story is None or await Measurement.exists(patient_id=patient.id):
        return 0
    rng = random.Random(patient.ins_nir)  # noqa: S311 - demo data, reproducible, not a secret
    rows = _Rows(patient, keeper_account_id)
    await story(rows, clock.now(), rng)
    await Measurement.bulk_create(rows.rows)
    return len(rows.rows)
