"""The one rule for the dates of a person's record: not before their birth, and not after
today where a date in the future makes no sense.

Every dated entry asks here, so the rule and its codes are the same everywhere:

| what                                  | before birth | after today            |
|---------------------------------------|--------------|------------------------|
| history: onset, resolution            | refused      | refused                |
| family history: onset, resolution     | allowed (it is a relative's) | refused |
| allergy: onset                        | refused      | refused                |
| treatment: start                      | refused      | refused (a plan)       |
| treatment: end                        | refused      | allowed (a course's planned end) |
| vaccination: date                     | refused      | refused                |
| measurement: moment                   | refused      | refused (to the minute) |

"Today" is the day in France (api.clock.today); a measurement's moment is compared on the
day it was taken, in its own offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api import clock

BEFORE_BIRTH = "DATE_BEFORE_BIRTH"
IN_FUTURE = "DATE_IN_FUTURE"


@dataclass(frozen=True)
class Span:
    """Which side of the person's life a date may fall on."""

    before_birth: bool = False
    future: bool = False


LIFE = Span()  # the default: between the birth and today
PLANNED_END = Span(future=True)  # an end that may still be ahead
RELATIVE = Span(before_birth=True)  # a relative's history may predate the person


def date_problem(day: date | None, birth_date: date | None, span: Span = LIFE, *,
                 today: date | None = None) -> str | None:
    """The code of what is wrong with `day` for a person born on `birth_date`, or None."""
    if day is None:
        return None
    if not span.future and day > (today or clock.today()):
        return IN_FUTURE
    if not span.before_birth and birth_date is not None and day < birth_date:
        return BEFORE_BIRTH
    return None
