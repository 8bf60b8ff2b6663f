"""From what age a person may state what about the end of their life, by French law.

- Advance directives (directives anticipées): "toute personne majeure" (Code de la santé
  publique, art. L1111-11): from 18.
- A trusted person (personne de confiance): "toute personne majeure" (art. L1111-6): 18.
- Organ donation: a refusal is registered in the national refusal register from 13
  (art. R1232-5-1); younger, the parents decide after death (art. L1232-2), so no stance is
  recorded for the child: from 13.

Pure, like the rest of the policy: the caller gives the day (api.clock.today()).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from api.dates import age_on


class Statement(StrEnum):
    ADVANCE_DIRECTIVES = "advance_directives"
    TRUSTED_PERSON = "trusted_person"
    ORGAN_DONATION = "organ_donation"


MINIMUM_AGE: dict[Statement, int] = {
    Statement.ADVANCE_DIRECTIVES: 18,
    Statement.TRUSTED_PERSON: 18,
    Statement.ORGAN_DONATION: 13,
}


def may_state(statement: Statement, birth_date: date, day: date) -> bool:
    """May a person born on `birth_date` have `statement` recorded on `day`?"""
    return age_on(birth_date, day) >= MINIMUM_AGE[statement]


def open_statements(birth_date: date, day: date) -> frozenset[Statement]:
    return frozenset(s for s in Statement if may_state(s, birth_date, day))
