"""The body mass index offered from the latest weight and height, never stored by itself.

Adding a weight does not create a BMI behind the person's back: the Patient type offers
`computedBmi`, worked out on request from the latest weight and height, and a client that
wants it in the record adds it as a measurement of kind BMI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api.consent.rights import eighteenth_birthday
from api.graphql.context import Context
from api.interop.terminology import compute_bmi, validate_value
from api.records.measurements.loaders import latest, latest_of
from api.records.measurements.models import Measurement

# A child grows: a height is only paired with a weight taken within this delay of it.
CHILD_HEIGHT_DELAY = timedelta(days=90)


@dataclass(frozen=True)
class Bmi:
    value: float
    weight: Measurement
    height: Measurement


def pairs(weight: Measurement, height: Measurement, birth_date: date) -> bool:
    """Whether a height can be used with a weight: an adult's height holds; a child's not."""
    adult_since = eighteenth_birthday(birth_date)
    if weight.measured_at >= adult_since and height.measured_at >= adult_since:
        return True
    return abs(weight.measured_at - height.measured_at) <= CHILD_HEIGHT_DELAY


async def latest_bmi(patient_id: int, birth_date: date, context: Context | None = None
                     ) -> Bmi | None:
    """From the latest weight and height; through the request's loader given ``context``."""
    if context is not None:
        weight, height = await latest_of(context, patient_id, ("weight", "height"))
    else:
        weight = await latest(patient_id, "weight")
        height = await latest(patient_id, "height")
    return bmi_of(weight, height, birth_date)


def bmi_of(weight: Measurement | None, height: Measurement | None, birth_date: date
           ) -> Bmi | None:
    if weight is None or height is None or not pairs(weight, height, birth_date):
        return None
    try:
        value = compute_bmi(float(weight.value), float(height.value))
    except ValueError:  # an implausible weight or height: no BMI rather than a wrong one
        return None
    if validate_value("bmi", value) is not None:
        return None
    return Bmi(value=value, weight=weight, height=height)
