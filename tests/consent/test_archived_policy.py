"""An archived record (its owner closed the account), table-driven, no database.

No relation opens it: not a grant, the treating-doctor designation, break-glass, a deposit,
a conversation, nor a parent. Everyone but the owner meets it as an unknown record (*not
found*); the owner reads it and changes nothing until reopening.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.consent import (
    Action,
    Basis,
    Decision,
    DocumentFilter,
    EmergencyFacts,
    GrantFacts,
    Profession,
    Refusal,
    RelationFilter,
    Rights,
    Section,
    ViewerFacts,
    decide,
    document_visibility,
    may_export_record,
    may_manage_consent,
    may_open_emergency_access,
    patient_reach,
    represents,
    shares_record,
)
from api.consent.facts import ConversationFacts
from api.consent.policy import (
    may_file_attachment,
    may_read_conversation,
    may_start_conversation,
    may_write_in_conversation,
)

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
ALL = frozenset(Section)
PATIENT, PARENT, PRO = 1, 2, 7
R, W, D = Action.READ, Action.WRITE, Action.DEPOSIT
OWNER = ViewerFacts(PATIENT, None)
PARENT_VIEWER = ViewerFacts(PARENT, None)
DOCTOR = ViewerFacts(PRO, Profession.PHYSICIAN)
URGENTIST = ViewerFacts(PRO, Profession.EMERGENCY_PHYSICIAN)
OPEN = EmergencyFacts(NOW - HOUR, NOW + 3 * HOUR)
WRITE_GRANT = GrantFacts(ALL, True, NOW + DAY)
ITS_CONVERSATION = ConversationFacts(professional_account_id=PRO)


def rights(**facts: Any) -> Rights:
    return replace(Rights(patient_id=1, now=NOW), **facts)


def archived(**facts: Any) -> Rights:
    return rights(archived=True, **facts)


# (who, viewer, their facts on the record while it is open)
RELATIONS: list[tuple[str, ViewerFacts, Rights]] = [
    ("a professional with a write grant", DOCTOR, rights(grants=(WRITE_GRANT,))),
    ("the treating doctor", DOCTOR, rights(is_treating_doctor=True)),
    ("an emergency physician with break-glass open", URGENTIST, rights(emergency=OPEN)),
    ("a professional with every relation", URGENTIST,
     rights(grants=(WRITE_GRANT,), is_treating_doctor=True, emergency=OPEN)),
    ("a parent of a minor", PARENT_VIEWER, rights(representative_until=NOW + DAY)),
    ("a stranger", DOCTOR, rights()),
]


def check(decision: Decision, allowed: bool, why: Basis | Refusal, not_found: bool) -> None:
    assert (decision.allowed, decision.basis if allowed else decision.reason) == (allowed, why)
    assert decision.not_found is not_found


@pytest.mark.parametrize(("who", "viewer", "open_rights"), RELATIONS,
                         ids=[row[0] for row in RELATIONS])
def test_no_relation_opens_an_archived_record(who: str, viewer: ViewerFacts,
                                              open_rights: Rights) -> None:
    closed = replace(open_rights, archived=True)
    # The relation did open it before closing (the stranger aside).
    if who != "a stranger":
        assert patient_reach(viewer, open_rights).allowed
    check(patient_reach(viewer, closed), False, Refusal.RECORD_ARCHIVED, True)
    for section in Section:
        for action in (R, W):
            check(decide(viewer, closed, section, action), False, Refusal.RECORD_ARCHIVED, True)
    check(shares_record(viewer, closed), False, Refusal.RECORD_ARCHIVED, True)
    check(may_manage_consent(viewer, closed), False, Refusal.RECORD_ARCHIVED, True)
    check(may_export_record(viewer, closed), False, Refusal.RECORD_ARCHIVED, True)
    assert not document_visibility(viewer, closed).visible
    assert not represents(viewer, closed)
    assert not RelationFilter(PRO, grants_live_at=NOW, treating_doctor=True).admits(closed)


def test_nothing_is_deposited_into_an_archived_record() -> None:
    assert decide(DOCTOR, rights(), Section.DOCUMENTS, D).allowed
    check(decide(DOCTOR, archived(), Section.DOCUMENTS, D), False, Refusal.RECORD_ARCHIVED, True)


def test_break_glass_cannot_be_opened_on_an_archived_record() -> None:
    assert may_open_emergency_access(URGENTIST, rights()).allowed
    check(may_open_emergency_access(URGENTIST, archived()), False, Refusal.RECORD_ARCHIVED, True)


def test_professionals_lose_their_conversations_with_an_archived_record() -> None:
    assert may_read_conversation(DOCTOR, rights(), ITS_CONVERSATION).allowed
    check(may_read_conversation(DOCTOR, archived(), ITS_CONVERSATION),
          False, Refusal.RECORD_ARCHIVED, True)
    check(may_start_conversation(DOCTOR, archived(is_treating_doctor=True), deposited=True),
          False, Refusal.RECORD_ARCHIVED, True)


def test_the_owner_reads_an_archived_record_and_changes_nothing() -> None:
    closed = archived(is_owner=True)
    check(patient_reach(OWNER, closed), True, Basis.OWNER, False)
    for section in Section:
        check(decide(OWNER, closed, section, R), True, Basis.OWNER, False)
        check(decide(OWNER, closed, section, W), False, Refusal.READ_ONLY, False)
    check(may_manage_consent(OWNER, closed), False, Refusal.READ_ONLY, False)
    # Taking the record away as a file is a read: allowed.
    check(may_export_record(OWNER, closed), True, Basis.OWNER, False)
    assert document_visibility(OWNER, closed).filters == (
        DocumentFilter(exclude_held_back_after=NOW),)
    check(may_read_conversation(OWNER, closed, ITS_CONVERSATION), True, Basis.OWNER, False)
    check(may_write_in_conversation(OWNER, closed, ITS_CONVERSATION),
          False, Refusal.READ_ONLY, False)
    check(may_file_attachment(OWNER, closed, ITS_CONVERSATION), False, Refusal.READ_ONLY, False)


def test_a_block_still_beats_the_archive() -> None:
    check(patient_reach(DOCTOR, archived(is_blocked=True)), False, Refusal.BLOCKED, True)
