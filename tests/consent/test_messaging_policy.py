"""Secure messaging decisions, table-driven, no database: who starts a conversation, who
reads it, who writes in it, who closes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.consent import (
    AppFacts,
    Basis,
    ConversationFacts,
    Decision,
    EmergencyFacts,
    GrantFacts,
    Profession,
    Refusal,
    Rights,
    Section,
    ViewerFacts,
    may_close_conversation,
    may_file_attachment,
    may_list_conversations,
    may_read_conversation,
    may_start_conversation,
    may_write_in_conversation,
)
from api.consent.policy import EMERGENCY_FOLLOW_UP

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
PATIENT, PARENT, PRO, OTHER_PRO = 1, 2, 7, 8
Expected = tuple[bool, Basis | Refusal]
CONCEALED = {Refusal.NO_RELATION, Refusal.BLOCKED}


def rights(**facts: Any) -> Rights:
    return replace(Rights(patient_id=1, now=NOW), **facts)


def grant(*, ends: datetime = NOW + DAY, revoked: datetime | None = None) -> GrantFacts:
    return GrantFacts(frozenset({Section.ALLERGIES}), False, ends, revoked)


def check(decision: Decision, expected: Expected) -> None:
    allowed, why = expected
    assert (decision.allowed, decision.basis if allowed else decision.reason) == expected
    assert decision.not_found == (why in CONCEALED)


PATIENT_VIEWER = ViewerFacts(PATIENT, None)
PARENT_VIEWER = ViewerFacts(PARENT, None)
DOCTOR = ViewerFacts(PRO, Profession.PHYSICIAN)
NURSE = ViewerFacts(PRO, Profession.NURSE)
URGENTIST = ViewerFacts(PRO, Profession.EMERGENCY_PHYSICIAN)
OTHER_DOCTOR = ViewerFacts(OTHER_PRO, Profession.PHYSICIAN)
OPEN_EMERGENCY = EmergencyFacts(NOW - HOUR, NOW + 3 * HOUR)
PAST_EMERGENCY = EmergencyFacts(NOW - 2 * DAY, NOW - 2 * DAY + 4 * HOUR)
OLD_EMERGENCY = EmergencyFacts(NOW - EMERGENCY_FOLLOW_UP, NOW - EMERGENCY_FOLLOW_UP + 4 * HOUR)
APP = AppFacts(frozenset())

# (name, viewer, rights, deposited, expected)
START: list[tuple[str, ViewerFacts, Rights, bool, Expected]] = [
    ("a professional with a current grant", NURSE, rights(grants=(grant(),)), False,
     (True, Basis.GRANT)),
    ("the treating doctor", DOCTOR, rights(is_treating_doctor=True), False,
     (True, Basis.TREATING_DOCTOR)),
    ("a professional who deposited a document", DOCTOR, rights(), True,
     (True, Basis.DEPOSIT)),
    ("an emergency physician during break-glass", URGENTIST, rights(emergency=OPEN_EMERGENCY),
     False, (True, Basis.EMERGENCY)),
    ("an emergency physician following up two days later", URGENTIST,
     rights(emergency=PAST_EMERGENCY), False, (True, Basis.EMERGENCY)),
    ("not a month after break-glass", URGENTIST, rights(emergency=OLD_EMERGENCY), False,
     (False, Refusal.EMERGENCY_EXPIRED)),
    ("not through break-glass the patient opposed", URGENTIST,
     rights(emergency=OPEN_EMERGENCY, emergency_opposed=True), False,
     (False, Refusal.EMERGENCY_OPPOSED)),
    ("not with an expired grant", NURSE, rights(grants=(grant(ends=NOW),)), False,
     (False, Refusal.GRANT_EXPIRED)),
    ("not with a revoked grant", NURSE, rights(grants=(grant(revoked=NOW - HOUR),)), False,
     (False, Refusal.GRANT_REVOKED)),
    ("not without any relation", DOCTOR, rights(), False, (False, Refusal.NO_RELATION)),
    ("not when blocked, even as treating doctor who deposited", DOCTOR,
     rights(is_treating_doctor=True, is_blocked=True), True, (False, Refusal.BLOCKED)),
    ("never the patient", PATIENT_VIEWER, rights(is_owner=True), False,
     (False, Refusal.NOT_A_PROFESSIONAL)),
    ("never a parent", PARENT_VIEWER, rights(representative_until=NOW + DAY), False,
     (False, Refusal.NOT_A_PROFESSIONAL)),
    ("not through an app", DOCTOR, rights(is_treating_doctor=True, app=APP), False,
     (False, Refusal.SCOPE_MISSING)),
    ("not to oneself as a patient", DOCTOR, rights(is_owner=True), False,
     (False, Refusal.NO_RELATION)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "deposited", "expected"),
                         [row[1:] for row in START], ids=[row[0] for row in START])
def test_who_starts_a_conversation(viewer: ViewerFacts, facts: Rights, deposited: bool,
                                   expected: Expected) -> None:
    check(may_start_conversation(viewer, facts, deposited=deposited), expected)


OPEN = ConversationFacts(professional_account_id=PRO, closed=False)
CLOSED = ConversationFacts(professional_account_id=PRO, closed=True)

# (name, viewer, rights, conversation, read, write, close)
CONVERSATION: list[tuple[str, ViewerFacts, Rights, ConversationFacts,
                         Expected, Expected, Expected]] = [
    ("its professional", DOCTOR, rights(), OPEN,
     (True, Basis.CONVERSATION), (True, Basis.CONVERSATION), (True, Basis.CONVERSATION)),
    ("its professional, whose grant ended since", DOCTOR, rights(grants=(grant(ends=NOW),)),
     OPEN, (True, Basis.CONVERSATION), (True, Basis.CONVERSATION), (True, Basis.CONVERSATION)),
    ("its professional, once closed", DOCTOR, rights(), CLOSED,
     (True, Basis.CONVERSATION), (False, Refusal.CONVERSATION_CLOSED),
     (True, Basis.CONVERSATION)),
    ("its professional, once blocked", DOCTOR, rights(is_blocked=True), OPEN,
     (False, Refusal.BLOCKED), (False, Refusal.BLOCKED), (False, Refusal.BLOCKED)),
    ("the patient", PATIENT_VIEWER, rights(is_owner=True), OPEN,
     (True, Basis.OWNER), (True, Basis.OWNER), (False, Refusal.NOT_A_PROFESSIONAL)),
    ("the patient, once closed", PATIENT_VIEWER, rights(is_owner=True), CLOSED,
     (True, Basis.OWNER), (False, Refusal.CONVERSATION_CLOSED),
     (False, Refusal.NOT_A_PROFESSIONAL)),
    ("a parent of a minor", PARENT_VIEWER, rights(representative_until=NOW + DAY), OPEN,
     (True, Basis.REPRESENTATIVE), (True, Basis.REPRESENTATIVE),
     (False, Refusal.NOT_A_PROFESSIONAL)),
    ("a parent once the child is 18", PARENT_VIEWER, rights(representative_until=NOW), OPEN,
     (False, Refusal.REPRESENTATIVE_ENDED), (False, Refusal.REPRESENTATIVE_ENDED),
     (False, Refusal.REPRESENTATIVE_ENDED)),
    ("an unrelated professional", OTHER_DOCTOR, rights(), OPEN,
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION),
     (False, Refusal.NO_RELATION)),
    ("another professional, treating doctor of the patient", OTHER_DOCTOR,
     rights(is_treating_doctor=True), OPEN,
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION),
     (False, Refusal.NO_RELATION)),
    ("a stranger", ViewerFacts(99, None), rights(), OPEN,
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION),
     (False, Refusal.NO_RELATION)),
    ("the patient's app", PATIENT_VIEWER, rights(is_owner=True, app=APP), OPEN,
     (False, Refusal.SCOPE_MISSING), (False, Refusal.SCOPE_MISSING),
     (False, Refusal.SCOPE_MISSING)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "conversation", "read", "write", "close"),
                         [row[1:] for row in CONVERSATION], ids=[row[0] for row in CONVERSATION])
def test_who_reads_writes_and_closes_a_conversation(
    viewer: ViewerFacts, facts: Rights, conversation: ConversationFacts,
    read: Expected, write: Expected, close: Expected,
) -> None:
    check(may_read_conversation(viewer, facts, conversation), read)
    check(may_write_in_conversation(viewer, facts, conversation), write)
    check(may_close_conversation(viewer, facts, conversation), close)


# (name, viewer, rights, list the record's conversations, file an attachment)
PATIENT_SIDE: list[tuple[str, ViewerFacts, Rights, Expected, Expected]] = [
    ("the patient", PATIENT_VIEWER, rights(is_owner=True),
     (True, Basis.OWNER), (True, Basis.OWNER)),
    ("a parent of a minor", PARENT_VIEWER, rights(representative_until=NOW + DAY),
     (True, Basis.REPRESENTATIVE), (True, Basis.REPRESENTATIVE)),
    ("a parent once the child is 18", PARENT_VIEWER, rights(representative_until=NOW),
     (False, Refusal.REPRESENTATIVE_ENDED), (False, Refusal.REPRESENTATIVE_ENDED)),
    ("the conversation's professional", DOCTOR, rights(is_treating_doctor=True),
     (False, Refusal.NO_RELATION), (False, Refusal.NOT_GRANTED)),
    ("another professional with a grant", ViewerFacts(OTHER_PRO, Profession.NURSE),
     rights(grants=(grant(),)),
     (False, Refusal.NO_RELATION), (False, Refusal.NO_RELATION)),
    ("the patient's app", PATIENT_VIEWER, rights(is_owner=True, app=APP),
     (False, Refusal.SCOPE_MISSING), (False, Refusal.SCOPE_MISSING)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "listing", "filing"),
                         [row[1:] for row in PATIENT_SIDE], ids=[row[0] for row in PATIENT_SIDE])
def test_only_the_patients_side_lists_a_records_conversations_and_files_attachments(
    viewer: ViewerFacts, facts: Rights, listing: Expected, filing: Expected
) -> None:
    check(may_list_conversations(viewer, facts), listing)
    check(may_file_attachment(viewer, facts, OPEN), filing)


def test_the_patient_files_an_attachment_of_a_closed_conversation_too() -> None:
    check(may_file_attachment(PATIENT_VIEWER, rights(is_owner=True), CLOSED), (True, Basis.OWNER))
