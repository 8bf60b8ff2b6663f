"""Demo measurements: a year of an adult's readings, or a child's growth points. Idempotent."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from api import clock
from api.consent.rights import eighteenth_birthday
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

    def add(self, kind: str, at: datetime, value: float, value2: float | None = None) -> None:
        spec = SPECS[kind]
        step = Decimal(1).scaleb(-spec.decimals)
        self.rows.append(Measurement(
            patient_id=self.patient.id, kind=kind, unit=spec.ucum, measured_at=at,
            value=Decimal(str(value)).quantize(step),
            value2=None if value2 is None else Decimal(str(value2)).quantize(step),
            created_at=at, updated_at=at, created_by_id=self.author, updated_by_id=self.author,
        ))


def _child(rows: _Rows, birth: date, now: datetime, rng: random.Random) -> None:
    born = datetime.combine(birth, time(10, 0), tzinfo=UTC)
    for months in _CHECKUPS:
        at = born + timedelta(days=months * 30.44)
        if at >= now:
            break
        height, weight, head = _growth_at(months)
        spread = rng.uniform(-0.03, 0.03)  # the same child stays on its own curve
        rows.add("height", at, round(height * (1 + spread / 2), 1))
        rows.add("weight", at, round(weight * (1 + spread), 3))
        if months <= _HEAD_UNTIL_MONTHS:
            rows.add("head_circumference", at, round(head * (1 + spread / 3), 1))


def _adult(rows: _Rows, now: datetime, rng: random.Random) -> None:
    start = (now - timedelta(days=364)).replace(hour=7, minute=30, second=0, microsecond=0)
    rows.add("height", start, 168.0)
    weight = rng.uniform(62, 80)
    for week in range(52):
        weight += rng.uniform(-0.4, 0.35)  # a slow drift down, week to week noise
        rows.add("weight", start + timedelta(weeks=week), round(weight, 1))
    for month in range(12):
        visit = start + timedelta(days=month * 30 + 3, hours=2)
        rows.add("blood_pressure", visit, rng.randint(118, 142), rng.randint(72, 88))
        rows.add("heart_rate", visit, rng.randint(58, 78))
        if month % 2 == 0:
            rows.add("glucose", visit - timedelta(hours=1), round(rng.uniform(0.85, 1.08), 2))
    fever = start + timedelta(days=200, hours=11)
    for day, value in enumerate((38.6, 38.1, 37.2)):
        rows.add("temperature", fever + timedelta(days=day), value)


async def load(patient: Patient, author_account_id: int) -> None:
    """Create the demo measurements unless the patient already has some."""
    if await Measurement.exists(patient_id=patient.id):
        return
    now = clock.now()
    rng = random.Random(patient.id)  # noqa: S311 - demo data, reproducible, not a secret
    rows = _Rows(patient, author_account_id)
    if now < eighteenth_birthday(patient.birth_date):
        _child(rows, patient.birth_date, now, rng)
    else:
        _adult(rows, now, rng)
    await Measurement.bulk_create(rows.rows)
