"""Who may take the whole record away as one file (the FHIR export), table-driven, no
database: the patient, a parent until the 18th birthday, an app acting for them with the
export scope; never a professional, whatever their relation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.consent import (
    AppFacts,
    Basis,
    EmergencyFacts,
    GrantFacts,
    Profession,
    Refusal,
    Rights,
    Section,
    ViewerFacts,
    may_export_record,
)
from api.consent.sections import Action

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
EVERY_SECTION_SCOPE = frozenset((s, a) for s in Section for a in Action)
EXPORTING_APP = AppFacts(EVERY_SECTION_SCOPE, export=True)
READING_APP = AppFacts(EVERY_SECTION_SCOPE)
PATIENT = ViewerFacts(1, None)
PARENT = ViewerFacts(2, None)
DOCTOR = ViewerFacts(7, Profession.PHYSICIAN)
EMERGENCY_PHYSICIAN = ViewerFacts(8, Profession.EMERGENCY_PHYSICIAN)
Expected = tuple[bool, Basis | Refusal, bool]  # allowed, basis or reason, not found


def rights(**facts: Any) -> Rights:
    return replace(Rights(patient_id=1, now=NOW), **facts)


def every_section(*, write: bool = False) -> GrantFacts:
    return GrantFacts(frozenset(Section), write, NOW + DAY)


TABLE: list[tuple[str, ViewerFacts, Rights, Expected]] = [
    ("the patient", PATIENT, rights(is_owner=True), (True, Basis.OWNER, False)),
    ("a parent of a minor", PARENT, rights(representative_until=NOW + DAY),
     (True, Basis.REPRESENTATIVE, False)),
    ("a parent once the child is 18", PARENT, rights(representative_until=NOW),
     (False, Refusal.REPRESENTATIVE_ENDED, False)),
    ("a stranger", PATIENT, rights(), (False, Refusal.NO_RELATION, True)),
    ("the treating doctor", DOCTOR, rights(is_treating_doctor=True),
     (False, Refusal.NOT_GRANTED, False)),
    ("a professional with a write grant on everything", DOCTOR,
     rights(grants=(every_section(write=True),)), (False, Refusal.NOT_GRANTED, False)),
    ("an emergency physician in break-glass", EMERGENCY_PHYSICIAN,
     rights(emergency=EmergencyFacts(NOW - HOUR, NOW + HOUR)),
     (False, Refusal.NOT_GRANTED, False)),
    ("a blocked professional", DOCTOR, rights(is_treating_doctor=True, is_blocked=True),
     (False, Refusal.BLOCKED, True)),
    ("the patient's app with the export scope", PATIENT,
     rights(is_owner=True, app=EXPORTING_APP), (True, Basis.APP, False)),
    ("the patient's app with every read scope but not export", PATIENT,
     rights(is_owner=True, app=READING_APP), (False, Refusal.SCOPE_MISSING, False)),
    ("a professional's app with the export scope", DOCTOR,
     rights(is_treating_doctor=True, app=EXPORTING_APP), (False, Refusal.NOT_GRANTED, False)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "expected"), [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_who_may_export_the_whole_record(viewer: ViewerFacts, facts: Rights,
                                         expected: Expected) -> None:
    decision = may_export_record(viewer, facts)
    allowed, why, not_found = expected
    assert (decision.allowed, decision.basis if allowed else decision.reason) == (allowed, why)
    assert decision.not_found is not_found


def test_an_app_export_keeps_the_persons_basis_for_the_access_history() -> None:
    decision = may_export_record(PARENT, rights(representative_until=NOW + DAY,
                                                app=EXPORTING_APP))
    assert decision.delegated_basis is Basis.REPRESENTATIVE
