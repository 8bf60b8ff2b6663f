"""The relation decisions, table-driven, no database: opening a record, managing its
consent, breaking the glass."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.consent import (
    AppFacts,
    Basis,
    Decision,
    EmergencyFacts,
    GrantFacts,
    Profession,
    Refusal,
    Rights,
    Section,
    ViewerFacts,
    may_manage_consent,
    may_open_emergency_access,
    patient_reach,
)
from api.consent.sections import Action

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
ALL = frozenset(Section)
PATIENT, PARENT, PRO = 1, 2, 7
Expected = tuple[bool, Basis | Refusal]


def rights(**facts: Any) -> Rights:
    return replace(Rights(patient_id=1, now=NOW), **facts)


def grant(*, write: bool = False, ends: datetime = NOW + DAY,
          revoked: datetime | None = None) -> GrantFacts:
    return GrantFacts(ALL, write, ends, revoked)


OPEN = EmergencyFacts(NOW - HOUR, NOW + 3 * HOUR)
CLOSED = EmergencyFacts(NOW - 5 * HOUR, NOW - HOUR)
EVERY_SCOPE = AppFacts(frozenset((s, a) for s in Section for a in Action))
NO_IDENTITY_WRITE = AppFacts(EVERY_SCOPE.scopes - {(Section.IDENTITY, Action.WRITE)})
CONCEALED = {Refusal.NO_RELATION, Refusal.BLOCKED}


def check(decision: Decision, expected: Expected) -> None:
    allowed, why = expected
    assert (decision.allowed, decision.basis if allowed else decision.reason) == expected
    assert decision.not_found == (why in CONCEALED)


def patient() -> ViewerFacts:
    return ViewerFacts(PATIENT, None)


def parent() -> ViewerFacts:
    return ViewerFacts(PARENT, None)


def pro(profession: Profession = Profession.PHYSICIAN) -> ViewerFacts:
    return ViewerFacts(PRO, profession)


EMERGENCY_PHYSICIAN = pro(Profession.EMERGENCY_PHYSICIAN)

# (name, viewer, rights, reach, manage)
TABLE: list[tuple[str, ViewerFacts, Rights, Expected, Expected]] = [
    ("the patient", patient(), rights(is_owner=True),
     (True, Basis.OWNER), (True, Basis.OWNER)),
    ("a parent of a minor", parent(), rights(representative_until=NOW + DAY),
     (True, Basis.REPRESENTATIVE), (True, Basis.REPRESENTATIVE)),
    ("a parent on the 18th birthday", parent(), rights(representative_until=NOW),
     (False, Refusal.REPRESENTATIVE_ENDED), (False, Refusal.REPRESENTATIVE_ENDED)),
    ("a stranger", patient(), rights(),
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION)),
    ("a professional with a write grant", pro(), rights(grants=(grant(write=True),)),
     (True, Basis.GRANT), (False, Refusal.NOT_GRANTED)),
    ("the treating doctor", pro(), rights(is_treating_doctor=True),
     (True, Basis.TREATING_DOCTOR), (False, Refusal.NOT_GRANTED)),
    ("a professional with an expired grant", pro(), rights(grants=(grant(ends=NOW),)),
     (False, Refusal.GRANT_EXPIRED), (False, Refusal.NOT_GRANTED)),
    ("a professional with a revoked grant", pro(),
     rights(grants=(grant(revoked=NOW - HOUR),)),
     (False, Refusal.GRANT_REVOKED), (False, Refusal.NOT_GRANTED)),
    ("a blocked treating doctor", pro(), rights(is_treating_doctor=True, is_blocked=True),
     (False, Refusal.BLOCKED), (False, Refusal.BLOCKED)),
    ("a professional without relation", pro(), rights(),
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION)),
    ("an emergency physician in break-glass", EMERGENCY_PHYSICIAN, rights(emergency=OPEN),
     (True, Basis.EMERGENCY), (False, Refusal.NOT_GRANTED)),
    ("an emergency physician after break-glass", EMERGENCY_PHYSICIAN, rights(emergency=CLOSED),
     (False, Refusal.EMERGENCY_EXPIRED), (False, Refusal.NOT_GRANTED)),
    ("a professional reading their own record", pro(), rights(is_owner=True),
     (True, Basis.OWNER), (True, Basis.OWNER)),
    ("the patient's app with every scope", patient(), rights(is_owner=True, app=EVERY_SCOPE),
     (True, Basis.APP), (True, Basis.APP)),
    ("the patient's app without identity write", patient(),
     rights(is_owner=True, app=NO_IDENTITY_WRITE),
     (True, Basis.APP), (False, Refusal.SCOPE_MISSING)),
    ("a professional's app with every scope", pro(),
     rights(grants=(grant(write=True),), app=EVERY_SCOPE),
     (True, Basis.APP), (False, Refusal.NOT_GRANTED)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "reach", "manage"), [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_who_reaches_the_record_and_who_manages_its_consent(
    viewer: ViewerFacts, facts: Rights, reach: Expected, manage: Expected
) -> None:
    check(patient_reach(viewer, facts), reach)
    check(may_manage_consent(viewer, facts), manage)


def test_an_app_keeps_the_persons_basis_for_the_access_history() -> None:
    decision = may_manage_consent(parent(), rights(representative_until=NOW + DAY,
                                                   app=EVERY_SCOPE))
    assert decision.delegated_basis is Basis.REPRESENTATIVE


@pytest.mark.parametrize("profession", list(Profession))
def test_only_emergency_professions_break_the_glass(profession: Profession) -> None:
    expected: Expected = (True, Basis.EMERGENCY) if profession in {
        Profession.EMERGENCY_PHYSICIAN, Profession.SAMU_REGULATOR
    } else (False, Refusal.NOT_EMERGENCY_PROFESSION)
    check_break_glass(may_open_emergency_access(pro(profession), rights()), expected)


def check_break_glass(decision: Decision, expected: Expected) -> None:
    """Like ``check``, but every refusal of break-glass is answered as not found."""
    assert (decision.allowed, decision.basis if expected[0] else decision.reason) == expected
    assert decision.not_found == (not expected[0])


BREAK_GLASS: list[tuple[str, ViewerFacts, Rights, Expected]] = [
    ("a patient cannot", patient(), rights(), (False, Refusal.NOT_EMERGENCY_PROFESSION)),
    ("not against the patient's opposition", EMERGENCY_PHYSICIAN,
     rights(emergency_opposed=True), (False, Refusal.EMERGENCY_OPPOSED)),
    ("a block beats it and stays concealed", EMERGENCY_PHYSICIAN,
     rights(is_blocked=True, emergency_opposed=True), (False, Refusal.BLOCKED)),
    ("never through an app", EMERGENCY_PHYSICIAN, rights(app=EVERY_SCOPE),
     (False, Refusal.SCOPE_MISSING)),
    ("again while one is open", EMERGENCY_PHYSICIAN, rights(emergency=OPEN),
     (True, Basis.EMERGENCY)),
    ("the SAMU regulator too", pro(Profession.SAMU_REGULATOR), rights(),
     (True, Basis.EMERGENCY)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "expected"), [row[1:] for row in BREAK_GLASS],
                         ids=[row[0] for row in BREAK_GLASS])
def test_break_glass_rules(viewer: ViewerFacts, facts: Rights, expected: Expected) -> None:
    check_break_glass(may_open_emergency_access(viewer, facts), expected)
