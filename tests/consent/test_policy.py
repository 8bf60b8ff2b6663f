"""The consent policy, table-driven, no database: every profession x section x basis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.consent import (
    EMERGENCY_PROFESSIONS,
    MATRIX,
    Action,
    AppFacts,
    Basis,
    Decision,
    EmergencyFacts,
    GrantFacts,
    ItemFacts,
    Profession,
    Refusal,
    Rights,
    Section,
    ViewerFacts,
    decide,
    default_held_back_until,
    document_visibility,
    held_back_notice_due,
    may_open_emergency_access,
    represents,
)

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
PATIENT_ID, PATIENT, PARENT, PRO_ID, OTHER_PRO_ID = 1, 1, 2, 7, 8
ALL = frozenset(Section)
EMERGENCY_PHYSICIAN_P = Profession.EMERGENCY_PHYSICIAN
R, W = Action.READ, Action.WRITE


def rights(**facts: Any) -> Rights:
    return replace(Rights(patient_id=PATIENT_ID, now=NOW), **facts)


def grant(
    sections: frozenset[Section] = ALL, *, write: bool = False, **times: datetime
) -> GrantFacts:
    return GrantFacts(sections, write, times.get("expires_at", NOW + DAY), times.get("revoked_at"))


OPEN_EMERGENCY = EmergencyFacts(opened_at=NOW - HOUR, expires_at=NOW + 3 * HOUR)
CLOSED_EMERGENCY = EmergencyFacts(opened_at=NOW - 4 * HOUR, expires_at=NOW)

# Outcome of a table row: (allowed, basis) or (refused, reason).
Expected = tuple[bool, Basis | Refusal]
Oracle = Callable[[Profession, Section, Action], Expected]


def by_matrix(basis: Basis, *, writes: bool) -> Oracle:
    """Allowed with ``basis`` when the matrix allows; write only when ``writes``."""

    def oracle(p: Profession, s: Section, a: Action) -> Expected:
        if not MATRIX.allows(p, s, a):
            return False, Refusal.MATRIX_FORBIDS
        if a is W and not writes:
            return False, Refusal.READ_ONLY
        return True, basis

    return oracle


def refused(reason: Refusal) -> Oracle:
    return lambda p, s, a: (False, reason)


def emergency_only(oracle: Oracle) -> Oracle:
    def wrapped(p: Profession, s: Section, a: Action) -> Expected:
        if p not in EMERGENCY_PROFESSIONS:
            return False, Refusal.NOT_EMERGENCY_PROFESSION
        return oracle(p, s, a)

    return wrapped


def identity_grant(p: Profession, s: Section, a: Action) -> Expected:
    if s is Section.IDENTITY or not MATRIX.allows(p, s, a):
        return by_matrix(Basis.GRANT, writes=True)(p, s, a)
    return False, Refusal.NOT_GRANTED


PROFESSIONAL_SCENARIOS: dict[str, tuple[Rights, Oracle]] = {
    "no relation": (rights(), refused(Refusal.NO_RELATION)),
    "read grant": (rights(grants=(grant(),)), by_matrix(Basis.GRANT, writes=False)),
    "write grant": (rights(grants=(grant(write=True),)), by_matrix(Basis.GRANT, writes=True)),
    "identity-only grant": (
        rights(grants=(grant(frozenset({Section.IDENTITY}), write=True),)),
        identity_grant,
    ),
    "grant at its end": (
        rights(grants=(grant(write=True, expires_at=NOW),)),
        refused(Refusal.GRANT_EXPIRED),
    ),
    "revoked grant": (
        rights(grants=(grant(write=True, revoked_at=NOW - HOUR),)),
        refused(Refusal.GRANT_REVOKED),
    ),
    "treating doctor": (
        rights(is_treating_doctor=True),
        by_matrix(Basis.TREATING_DOCTOR, writes=True),
    ),
    "blocked": (
        rights(
            is_blocked=True,
            is_treating_doctor=True,
            grants=(grant(write=True),),
            emergency=OPEN_EMERGENCY,
        ),
        refused(Refusal.BLOCKED),
    ),
    "emergency": (
        rights(emergency=OPEN_EMERGENCY),
        emergency_only(by_matrix(Basis.EMERGENCY, writes=False)),
    ),
    "emergency opposed": (
        rights(emergency=OPEN_EMERGENCY, emergency_opposed=True),
        emergency_only(refused(Refusal.EMERGENCY_OPPOSED)),
    ),
    "emergency expired": (
        rights(emergency=CLOSED_EMERGENCY),
        emergency_only(refused(Refusal.EMERGENCY_EXPIRED)),
    ),
    "emergency not yet open": (
        rights(emergency=EmergencyFacts(NOW + HOUR, NOW + 5 * HOUR)),
        emergency_only(refused(Refusal.EMERGENCY_NOT_OPEN)),
    ),
}
# Refusals answered as NOT_FOUND: the patient, or the item, must not be revealed.
CONCEALING = {
    Refusal.NO_RELATION,
    Refusal.BLOCKED,
    Refusal.HIDDEN,
    Refusal.HELD_BACK,
    Refusal.CONFIDENTIAL_FOR_MINOR,
    Refusal.DOCUMENT_TYPE_FORBIDDEN,
}


def check(decision: Decision, expected: Expected) -> None:
    allowed, why = expected
    assert (decision.allowed, decision.basis if allowed else decision.reason) == expected
    assert decision.not_found == (why in CONCEALING)


@pytest.mark.parametrize(
    ("scenario", "profession", "section", "action"),
    [
        (scenario, p, s, a)
        for scenario in PROFESSIONAL_SCENARIOS
        for p in Profession
        for s in Section
        for a in (R, W)
    ],
)
def test_professional_access_follows_the_basis_and_the_matrix(
    scenario: str, profession: Profession, section: Section, action: Action
) -> None:
    facts, oracle = PROFESSIONAL_SCENARIOS[scenario]
    decision = decide(ViewerFacts(PRO_ID, profession), facts, section, action)
    check(decision, oracle(profession, section, action))


PATIENT_SIDE_SCENARIOS: dict[str, tuple[int, Rights, Expected]] = {
    "owner": (PATIENT, rights(is_owner=True), (True, Basis.OWNER)),
    "parent before the 18th birthday": (
        PARENT,
        rights(representative_until=NOW + DAY),
        (True, Basis.REPRESENTATIVE),
    ),
    "parent on the 18th birthday": (
        PARENT,
        rights(representative_until=NOW),
        (False, Refusal.REPRESENTATIVE_ENDED),
    ),
    "stranger": (PARENT, rights(), (False, Refusal.NO_RELATION)),
    "stranger holding grant facts": (
        PARENT,
        rights(grants=(grant(),)),
        (False, Refusal.NO_RELATION),
    ),
}


@pytest.mark.parametrize(
    ("scenario", "section", "action"),
    [(scenario, s, a) for scenario in PATIENT_SIDE_SCENARIOS for s in Section for a in (R, W)],
)
def test_patient_side_access_covers_every_section(
    scenario: str, section: Section, action: Action
) -> None:
    account, facts, expected = PATIENT_SIDE_SCENARIOS[scenario]
    check(decide(ViewerFacts(account, None), facts, section, action), expected)


@pytest.mark.parametrize("profession", list(Profession))
def test_professional_reads_their_own_record_as_its_owner(profession: Profession) -> None:
    decision = decide(ViewerFacts(PRO_ID, profession), rights(is_owner=True), Section.DIRECTIVES, W)
    check(decision, (True, Basis.OWNER))


@pytest.mark.parametrize(("profession", "section"), [(p, s) for p in Profession for s in Section])
def test_any_professional_deposits_documents_without_any_relation(
    profession: Profession, section: Section
) -> None:
    decision = decide(ViewerFacts(PRO_ID, profession), rights(), section, Action.DEPOSIT)
    expected = (True, Basis.DEPOSIT) if section is Section.DOCUMENTS else (
        False, Refusal.NOT_DEPOSITABLE)  # fmt: skip
    check(decision, expected)


def test_a_deposit_gives_no_read_access() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.NURSE)
    check(decide(viewer, rights(), Section.DOCUMENTS, R), (False, Refusal.NO_RELATION))


def test_a_blocked_professional_cannot_deposit() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.NURSE)
    decision = decide(viewer, rights(is_blocked=True), Section.DOCUMENTS, Action.DEPOSIT)
    check(decision, (False, Refusal.BLOCKED))


def test_a_patient_writes_rather_than_deposits() -> None:
    decision = decide(ViewerFacts(PATIENT, None), rights(is_owner=True), Section.DOCUMENTS,
                      Action.DEPOSIT)  # fmt: skip
    check(decision, (False, Refusal.NOT_A_PROFESSIONAL))


def test_grant_expires_at_its_end() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.PHYSICIAN)
    just_before = rights(grants=(grant(expires_at=NOW + timedelta(microseconds=1)),))
    check(decide(viewer, just_before, Section.HISTORY, R), (True, Basis.GRANT))
    check(decide(viewer, rights(grants=(grant(expires_at=NOW),)), Section.HISTORY, R),
          (False, Refusal.GRANT_EXPIRED))  # fmt: skip


def test_write_comes_only_from_a_grant_that_gives_write() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.PHYSICIAN)
    facts = rights(grants=(grant(frozenset({Section.HISTORY}), write=True), grant()))
    check(decide(viewer, facts, Section.HISTORY, W), (True, Basis.GRANT))
    check(decide(viewer, facts, Section.ALLERGIES, W), (False, Refusal.READ_ONLY))


def test_a_live_grant_explains_a_refusal_better_than_an_ended_one() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.PHYSICIAN)
    facts = rights(grants=(grant(frozenset({Section.IDENTITY})), grant(expires_at=NOW - DAY)))
    check(decide(viewer, facts, Section.HISTORY, R), (False, Refusal.NOT_GRANTED))


def test_the_latest_ended_grant_gives_the_reason() -> None:
    viewer = ViewerFacts(PRO_ID, Profession.PHYSICIAN)
    facts = rights(grants=(grant(expires_at=NOW - DAY), grant(revoked_at=NOW - HOUR)))
    check(decide(viewer, facts, Section.HISTORY, R), (False, Refusal.GRANT_REVOKED))


# --- answers about the record itself: its name, who represents it, break-glass ---------------

IDENTITY_GRANT = frozenset({Section.IDENTITY})
NO_IDENTITY = ALL - IDENTITY_GRANT
# The patient's name (``displayName``) and every other identity answer: decided on the
# identity section like any read; a refusal the viewer may know about is CONSENT_REQUIRED.
IDENTITY_TABLE: list[tuple[str, ViewerFacts, Rights, Expected]] = [
    ("the patient reads their name", ViewerFacts(PATIENT, None), rights(is_owner=True),
     (True, Basis.OWNER)),
    ("a parent reads their child's name", ViewerFacts(PARENT, None),
     rights(representative_until=NOW + DAY), (True, Basis.REPRESENTATIVE)),
    ("a parent no longer reads it from the 18th birthday", ViewerFacts(PARENT, None),
     rights(representative_until=NOW), (False, Refusal.REPRESENTATIVE_ENDED)),
    ("a grant covering identity shows it", ViewerFacts(PRO_ID, Profession.NURSE),
     rights(grants=(grant(IDENTITY_GRANT),)), (True, Basis.GRANT)),
    ("a grant without identity does not", ViewerFacts(PRO_ID, Profession.NURSE),
     rights(grants=(grant(NO_IDENTITY),)), (False, Refusal.NOT_GRANTED)),
    ("an expired grant does not", ViewerFacts(PRO_ID, Profession.NURSE),
     rights(grants=(grant(expires_at=NOW - HOUR),)), (False, Refusal.GRANT_EXPIRED)),
    ("a revoked grant does not", ViewerFacts(PRO_ID, Profession.NURSE),
     rights(grants=(grant(revoked_at=NOW - HOUR),)), (False, Refusal.GRANT_REVOKED)),
    ("a stranger who may only deposit does not", ViewerFacts(PRO_ID, Profession.NURSE),
     rights(), (False, Refusal.NO_RELATION)),
    ("a blocked treating doctor does not", ViewerFacts(PRO_ID, Profession.PHYSICIAN),
     rights(is_treating_doctor=True, is_blocked=True), (False, Refusal.BLOCKED)),
    ("the treating doctor does", ViewerFacts(PRO_ID, Profession.PHYSICIAN),
     rights(is_treating_doctor=True), (True, Basis.TREATING_DOCTOR)),
    ("break-glass does", ViewerFacts(PRO_ID, Profession.EMERGENCY_PHYSICIAN),
     rights(emergency=OPEN_EMERGENCY), (True, Basis.EMERGENCY)),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "expected"), [row[1:] for row in IDENTITY_TABLE],
                         ids=[row[0] for row in IDENTITY_TABLE])
def test_the_patients_name_is_an_identity_read(
    viewer: ViewerFacts, facts: Rights, expected: Expected
) -> None:
    check(decide(viewer, facts, Section.IDENTITY, R), expected)


REPRESENTATION_TABLE: list[tuple[str, ViewerFacts, Rights, bool]] = [
    ("a parent of a minor", ViewerFacts(PARENT, None), rights(representative_until=NOW + DAY),
     True),
    ("a parent on the last minute before 18", ViewerFacts(PARENT, None),
     rights(representative_until=NOW + timedelta(minutes=1)), True),
    ("a parent on the 18th birthday", ViewerFacts(PARENT, None),
     rights(representative_until=NOW), False),
    ("a parent after the 18th birthday", ViewerFacts(PARENT, None),
     rights(representative_until=NOW - DAY), False),
    ("the patient themselves", ViewerFacts(PATIENT, None), rights(is_owner=True), False),
    ("a professional with a grant", ViewerFacts(PRO_ID, Profession.PHYSICIAN),
     rights(grants=(grant(),)), False),
    ("a blocked parent", ViewerFacts(PARENT, Profession.PHYSICIAN),
     rights(representative_until=NOW + DAY, is_blocked=True), False),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "expected"),
                         [row[1:] for row in REPRESENTATION_TABLE],
                         ids=[row[0] for row in REPRESENTATION_TABLE])
def test_who_is_listed_as_represented(viewer: ViewerFacts, facts: Rights, expected: bool) -> None:
    assert represents(viewer, facts) is expected


BREAK_GLASS_REFUSALS: list[tuple[str, ViewerFacts, Rights, Refusal]] = [
    ("a patient", ViewerFacts(PATIENT, None), rights(), Refusal.NOT_EMERGENCY_PROFESSION),
    ("a physician", ViewerFacts(PRO_ID, Profession.PHYSICIAN), rights(),
     Refusal.NOT_EMERGENCY_PROFESSION),
    ("a nurse with a grant", ViewerFacts(PRO_ID, Profession.NURSE), rights(grants=(grant(),)),
     Refusal.NOT_EMERGENCY_PROFESSION),
    ("the patient opposed", ViewerFacts(PRO_ID, EMERGENCY_PHYSICIAN_P),
     rights(emergency_opposed=True), Refusal.EMERGENCY_OPPOSED),
    ("blocked", ViewerFacts(PRO_ID, EMERGENCY_PHYSICIAN_P), rights(is_blocked=True),
     Refusal.BLOCKED),
    ("through an app", ViewerFacts(PRO_ID, EMERGENCY_PHYSICIAN_P),
     rights(app=AppFacts(frozenset())), Refusal.SCOPE_MISSING),
]  # fmt: skip


@pytest.mark.parametrize(("viewer", "facts", "reason"), [row[1:] for row in BREAK_GLASS_REFUSALS],
                         ids=[row[0] for row in BREAK_GLASS_REFUSALS])
def test_every_break_glass_refusal_answers_not_found(
    viewer: ViewerFacts, facts: Rights, reason: Refusal
) -> None:
    decision = may_open_emergency_access(viewer, facts)
    assert (decision.allowed, decision.reason, decision.not_found) == (False, reason, True)


# --- single items: hidden, held back, confidential for a minor, document types -------------

HIDDEN_BY_PRO = ItemFacts(PRO_ID, "report", "11488-4", hidden_from_professionals=True)
HIDDEN_BY_OTHER = ItemFacts(OTHER_PRO_ID, "report", "11488-4", hidden_from_professionals=True)
HELD_BACK = ItemFacts(OTHER_PRO_ID, "report", "51969-4", held_back_until=NOW + DAY)
RELEASED = ItemFacts(OTHER_PRO_ID, "report", "51969-4", held_back_until=NOW)
CONFIDENTIAL = ItemFacts(OTHER_PRO_ID, "prescription", "57833-6", confidential_for_minor=True)
PSYCH = ItemFacts(OTHER_PRO_ID, "summary", "68599-0")
LAB = ItemFacts(OTHER_PRO_ID, "report", "11502-2")
CONSULTATION = ItemFacts(OTHER_PRO_ID, "report", "11488-4")
UNCLASSIFIED = ItemFacts(PATIENT, None, None)
D, H = Section.DOCUMENTS, Section.HISTORY
DOC, NURSE, PHARM = Profession.PHYSICIAN, Profession.NURSE, Profession.PHARMACIST
EMERG = Profession.EMERGENCY_PHYSICIAN
OWNER = rights(is_owner=True)
MINOR = rights(representative_until=NOW + DAY)
READER, WRITER = rights(grants=(grant(),)), rights(grants=(grant(write=True),))
TREATING, EMERGENCY = rights(is_treating_doctor=True), rights(emergency=OPEN_EMERGENCY)
HISTORY_GRANT = rights(grants=(grant(frozenset({Section.HISTORY})),))
EMERGENCY_AND_HISTORY_GRANT = replace(HISTORY_GRANT, emergency=OPEN_EMERGENCY)
OWNER_AND_ENDED_GRANT = rights(is_owner=True, grants=(grant(expires_at=NOW - DAY),))

ITEM_TABLE: list[tuple[str, ViewerFacts, Rights, Section, Action, ItemFacts, Expected]] = [
    ("hidden document is seen by its author", ViewerFacts(PRO_ID, DOC), READER, D, R,
     HIDDEN_BY_PRO, (True, Basis.GRANT)),
    ("hidden document is unseen by another grantee", ViewerFacts(PRO_ID, DOC), READER, D, R,
     HIDDEN_BY_OTHER, (False, Refusal.HIDDEN)),
    ("hidden document cannot be edited by another grantee", ViewerFacts(PRO_ID, DOC), WRITER, D,
     W, HIDDEN_BY_OTHER, (False, Refusal.HIDDEN)),
    ("hidden document is seen by the treating doctor", ViewerFacts(PRO_ID, DOC), TREATING, D, R,
     HIDDEN_BY_OTHER, (True, Basis.TREATING_DOCTOR)),
    ("hidden document stays hidden in an emergency", ViewerFacts(PRO_ID, EMERG), EMERGENCY, D, R,
     HIDDEN_BY_OTHER, (False, Refusal.HIDDEN)),
    ("hidden document is seen in an emergency by its author", ViewerFacts(PRO_ID, EMERG),
     EMERGENCY, D, R, HIDDEN_BY_PRO, (True, Basis.EMERGENCY)),
    ("hidden document is seen by the patient", ViewerFacts(PATIENT, None), OWNER, D, R,
     HIDDEN_BY_OTHER, (True, Basis.OWNER)),
    ("hidden document is seen by a parent", ViewerFacts(PARENT, None), MINOR, D, R,
     HIDDEN_BY_OTHER, (True, Basis.REPRESENTATIVE)),
    ("held back document is unseen by the patient", ViewerFacts(PATIENT, None), OWNER, D, R,
     HELD_BACK, (False, Refusal.HELD_BACK)),
    ("held back document cannot be deleted by the patient", ViewerFacts(PATIENT, None), OWNER, D,
     W, HELD_BACK, (False, Refusal.HELD_BACK)),
    ("held back document is unseen by a parent", ViewerFacts(PARENT, None), MINOR, D, R,
     HELD_BACK, (False, Refusal.HELD_BACK)),
    ("held back document is seen by professionals", ViewerFacts(PRO_ID, DOC), READER, D, R,
     HELD_BACK, (True, Basis.GRANT)),
    ("held back document shows from its release", ViewerFacts(PATIENT, None), OWNER, D, R,
     RELEASED, (True, Basis.OWNER)),
    ("minor-confidential item is unseen by a parent", ViewerFacts(PARENT, None), MINOR, D, R,
     CONFIDENTIAL, (False, Refusal.CONFIDENTIAL_FOR_MINOR)),
    ("minor-confidential entry is unseen by a parent", ViewerFacts(PARENT, None), MINOR, H, R,
     ItemFacts(PRO_ID, confidential_for_minor=True), (False, Refusal.CONFIDENTIAL_FOR_MINOR)),
    ("minor-confidential item is seen by the minor", ViewerFacts(PATIENT, None), OWNER, D, R,
     CONFIDENTIAL, (True, Basis.OWNER)),
    ("minor-confidential item is seen by a professional", ViewerFacts(PRO_ID, NURSE), READER, D,
     R, CONFIDENTIAL, (True, Basis.GRANT)),
    ("nurse cannot read psychiatric summary", ViewerFacts(PRO_ID, NURSE), READER, D, R, PSYCH,
     (False, Refusal.DOCUMENT_TYPE_FORBIDDEN)),
    ("physician reads psychiatric summary", ViewerFacts(PRO_ID, DOC), READER, D, R, PSYCH,
     (True, Basis.GRANT)),
    ("emergency physician reads psychiatric summary", ViewerFacts(PRO_ID, EMERG), EMERGENCY, D,
     R, PSYCH, (True, Basis.EMERGENCY)),
    ("pharmacist reads a laboratory report", ViewerFacts(PRO_ID, PHARM), READER, D, R, LAB,
     (True, Basis.GRANT)),
    ("pharmacist cannot read a consultation report", ViewerFacts(PRO_ID, PHARM), READER, D, R,
     CONSULTATION, (False, Refusal.DOCUMENT_TYPE_FORBIDDEN)),
    ("unclassified document is unseen by professionals", ViewerFacts(PRO_ID, DOC), TREATING, D,
     R, UNCLASSIFIED, (False, Refusal.DOCUMENT_TYPE_FORBIDDEN)),
    ("unclassified document is seen by the patient", ViewerFacts(PATIENT, None), OWNER, D, R,
     UNCLASSIFIED, (True, Basis.OWNER)),
    ("document types do not apply outside documents", ViewerFacts(PRO_ID, NURSE), READER, H, R,
     PSYCH, (True, Basis.GRANT)),
    # A relation that opens the section but not the item conceals it, even when another
    # relation would only say "not granted": the item must look like a missing one.
    ("hidden document stays unknown beside a grant without documents",
     ViewerFacts(PRO_ID, EMERG), EMERGENCY_AND_HISTORY_GRANT, D, R, HIDDEN_BY_OTHER,
     (False, Refusal.HIDDEN)),
    ("held back document refusal is not the grant's",
     ViewerFacts(PATIENT, None), OWNER_AND_ENDED_GRANT, D, R, HELD_BACK,
     (False, Refusal.HELD_BACK)),
    ("no relation opening documents gives the section's reason",
     ViewerFacts(PRO_ID, DOC), HISTORY_GRANT, D, R, HIDDEN_BY_OTHER,
     (False, Refusal.NOT_GRANTED)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("viewer", "facts", "section", "action", "item", "expected"),
    [row[1:] for row in ITEM_TABLE],
    ids=[row[0] for row in ITEM_TABLE],
)
def test_item_rules(
    viewer: ViewerFacts,
    facts: Rights,
    section: Section,
    action: Action,
    item: ItemFacts,
    expected: Expected,
) -> None:
    decision = decide(viewer, facts, section, action, item)
    check(decision, expected)
    if (section, action) == (D, R):
        assert document_visibility(viewer, facts).admits(item) == decision.allowed


# --- apps acting for a person -------------------------------------------------------------


def app(*scopes: tuple[Section, Action]) -> AppFacts:
    return AppFacts(frozenset(scopes))


APP_TABLE: list[tuple[str, ViewerFacts, Rights, Section, Action, Expected]] = [
    ("app reads what the patient let it read", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app((H, R))), H, R, (True, Basis.APP)),
    ("app without the write scope cannot write", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app((H, R))), H, W, (False, Refusal.SCOPE_MISSING)),
    ("app cannot read an unscoped section", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app((H, R))), Section.ALLERGIES, R,
     (False, Refusal.SCOPE_MISSING)),
    ("a write scope does not give read", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app((H, W))), H, R, (False, Refusal.SCOPE_MISSING)),
    ("app scopes never exceed a read grant", ViewerFacts(PRO_ID, DOC),
     rights(grants=(grant(),), app=app((H, R), (H, W))), H, W, (False, Refusal.READ_ONLY)),
    ("app scopes never exceed the matrix", ViewerFacts(PRO_ID, Profession.DENTIST),
     rights(grants=(grant(),), app=app((Section.DIRECTIVES, R))), Section.DIRECTIVES, R,
     (False, Refusal.MATRIX_FORBIDS)),
    ("app of a stranger finds nothing", ViewerFacts(PRO_ID, DOC),
     rights(app=app(*((s, a) for s in Section for a in Action))), H, R,
     (False, Refusal.NO_RELATION)),
    ("app of an emergency physician reads", ViewerFacts(PRO_ID, EMERG),
     rights(emergency=OPEN_EMERGENCY, app=app((H, R))), H, R, (True, Basis.APP)),
    ("practice software deposits with the deposit scope", ViewerFacts(PRO_ID, NURSE),
     rights(app=app((D, Action.DEPOSIT))), D, Action.DEPOSIT, (True, Basis.APP)),
    ("practice software without the deposit scope cannot", ViewerFacts(PRO_ID, NURSE),
     rights(app=app((D, W))), D, Action.DEPOSIT, (False, Refusal.SCOPE_MISSING)),
    ("a parent's app reads the child's record before the 18th birthday",
     ViewerFacts(PARENT, None), rights(representative_until=NOW + HOUR, app=app((H, R))), H, R,
     (True, Basis.APP)),
    ("a parent's app stops at the child's 18th birthday", ViewerFacts(PARENT, None),
     rights(representative_until=NOW, app=app((H, R))), H, R,
     (False, Refusal.REPRESENTATIVE_ENDED)),
    ("a block beats the software of the blocked professional", ViewerFacts(PRO_ID, DOC),
     rights(is_blocked=True, is_treating_doctor=True, app=app((H, R))), H, R,
     (False, Refusal.BLOCKED)),
    ("practice software of a blocked professional deposits nothing", ViewerFacts(PRO_ID, NURSE),
     rights(is_blocked=True, app=app((D, Action.DEPOSIT))), D, Action.DEPOSIT,
     (False, Refusal.BLOCKED)),
    ("software keeps to the grant's sections, whatever its scopes", ViewerFacts(PRO_ID, DOC),
     rights(grants=(grant(sections=frozenset({H})),), app=app((Section.TREATMENTS, R))),
     Section.TREATMENTS, R, (False, Refusal.NOT_GRANTED)),
    ("software reads nothing once the grant expired", ViewerFacts(PRO_ID, DOC),
     rights(grants=(grant(expires_at=NOW),), app=app((H, R))), H, R,
     (False, Refusal.GRANT_EXPIRED)),
    ("a patient's app cannot deposit like a professional", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app((D, Action.DEPOSIT))), D, Action.DEPOSIT,
     (False, Refusal.NOT_A_PROFESSIONAL)),
    ("an app with no scope at all does nothing", ViewerFacts(PATIENT, None),
     rights(is_owner=True, app=app()), H, R, (False, Refusal.SCOPE_MISSING)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("viewer", "facts", "section", "action", "expected"),
    [row[1:] for row in APP_TABLE],
    ids=[row[0] for row in APP_TABLE],
)
def test_app_rights_are_its_scopes_within_the_persons_rights(
    viewer: ViewerFacts, facts: Rights, section: Section, action: Action, expected: Expected
) -> None:
    decision = decide(viewer, facts, section, action)
    check(decision, expected)
    if decision.allowed:
        person = decide(viewer, replace(facts, app=None), section, action)
        assert decision.delegated_basis == person.basis


# --- document lists -----------------------------------------------------------------------


def test_a_blocked_professional_lists_no_document() -> None:
    facts = rights(is_blocked=True, is_treating_doctor=True)
    assert not document_visibility(ViewerFacts(PRO_ID, DOC), facts).visible


def test_a_stranger_lists_no_document() -> None:
    assert not document_visibility(ViewerFacts(PRO_ID, DOC), rights()).visible


def test_an_app_without_document_scope_lists_no_document() -> None:
    facts = rights(is_owner=True, app=app((H, R)))
    assert not document_visibility(ViewerFacts(PATIENT, None), facts).visible


def test_patient_list_excludes_only_held_back_documents() -> None:
    (only,) = document_visibility(ViewerFacts(PATIENT, None), OWNER).filters
    assert only.allowed_categories is None
    assert not only.exclude_hidden
    assert only.exclude_held_back_after == NOW
    assert not only.exclude_minor_confidential


def test_parent_list_also_excludes_minor_confidential_items() -> None:
    (only,) = document_visibility(ViewerFacts(PARENT, None), MINOR).filters
    assert only.exclude_minor_confidential
    assert only.exclude_held_back_after == NOW


def test_grantee_list_excludes_hidden_documents_but_their_own() -> None:
    (only,) = document_visibility(ViewerFacts(PRO_ID, NURSE), READER).filters
    assert only.exclude_hidden
    assert only.hidden_exempt_author == PRO_ID
    assert "68599-0" in only.excluded_type_codes
    assert only.exclude_held_back_after is None


def test_treating_doctor_list_keeps_hidden_documents() -> None:
    facts = rights(is_treating_doctor=True, grants=(grant(),))
    visibility = document_visibility(ViewerFacts(PRO_ID, DOC), facts)
    assert visibility.admits(HIDDEN_BY_OTHER)


def test_grant_without_documents_lists_no_document() -> None:
    facts = rights(grants=(grant(frozenset({H})),))
    assert not document_visibility(ViewerFacts(PRO_ID, DOC), facts).visible


# --- held back from the patient -------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "released"),
    [
        (datetime(2025, 1, 15, 9, 30, tzinfo=UTC), datetime(2025, 2, 15, 9, 30, tzinfo=UTC)),
        (datetime(2025, 1, 31, 9, 30, tzinfo=UTC), datetime(2025, 2, 28, 9, 30, tzinfo=UTC)),
        (datetime(2024, 1, 31, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2025, 3, 31, tzinfo=UTC), datetime(2025, 4, 30, tzinfo=UTC)),
        (datetime(2025, 12, 20, 23, 59, tzinfo=UTC), datetime(2026, 1, 20, 23, 59, tzinfo=UTC)),
        (datetime(2025, 12, 31, tzinfo=UTC), datetime(2026, 1, 31, tzinfo=UTC)),
    ],
)
def test_held_back_document_shows_by_itself_a_month_later(
    created: datetime, released: datetime
) -> None:
    assert default_held_back_until(created) == released


def test_patient_is_told_of_a_held_back_document_after_two_weeks() -> None:
    since = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert not held_back_notice_due(since, since + timedelta(days=14) - timedelta(seconds=1))
    assert held_back_notice_due(since, since + timedelta(days=14))


# --- properties -----------------------------------------------------------------------------

moments = st.integers(min_value=-72, max_value=72).map(lambda h: NOW + h * HOUR)
sections = st.sampled_from(list(Section))
actions = st.sampled_from(list(Action))
viewers = st.builds(
    ViewerFacts,
    account_id=st.sampled_from([PATIENT, PARENT, PRO_ID]),
    professional=st.none() | st.sampled_from(list(Profession)),
)
grants_facts = st.builds(
    GrantFacts,
    sections=st.frozensets(sections),
    write=st.booleans(),
    expires_at=moments,
    revoked_at=st.none() | moments,
)
apps = st.builds(AppFacts, scopes=st.frozensets(st.tuples(sections, actions)))
rights_facts = st.builds(
    Rights,
    patient_id=st.just(PATIENT_ID),
    now=st.just(NOW),
    is_owner=st.booleans(),
    representative_until=st.none() | moments,
    grants=st.lists(grants_facts, max_size=3).map(tuple),
    is_treating_doctor=st.booleans(),
    is_blocked=st.booleans(),
    emergency=st.none() | st.builds(EmergencyFacts, opened_at=moments, expires_at=moments),
    emergency_opposed=st.booleans(),
    app=st.none() | apps,
)
TYPE_CODES = ["68599-0", "83901-9", "89601-9", "75496-0", "68817-6", "11502-2", "11488-4",
              "60593-1", "56445-0", "87273-9", "18748-4", "80565-5"]  # fmt: skip
CATEGORIES = ["report", "summary", "imaging", "prescription", "dispensing", "care_plan",
              "administered_treatment", "certificate", "patient_document", "administrative",
              "unknown"]  # fmt: skip
items = st.builds(
    ItemFacts,
    author_account_id=st.none() | st.sampled_from([PATIENT, PRO_ID, OTHER_PRO_ID]),
    category=st.none() | st.sampled_from(CATEGORIES),
    type_code=st.none() | st.sampled_from(TYPE_CODES),
    hidden_from_professionals=st.booleans(),
    held_back_until=st.none() | moments,
    confidential_for_minor=st.booleans(),
)
PROFESSIONAL_BASES = {Basis.GRANT, Basis.TREATING_DOCTOR, Basis.EMERGENCY}


@settings(max_examples=400, deadline=None)
@given(viewers, rights_facts, sections, actions, st.none() | items)
def test_emergency_access_never_writes(
    viewer: ViewerFacts, facts: Rights, section: Section, action: Action, item: ItemFacts | None
) -> None:
    decision = decide(viewer, facts, section, action, item)
    if Basis.EMERGENCY in (decision.basis, decision.delegated_basis):
        assert action is R


@settings(max_examples=300, deadline=None)
@given(viewers, rights_facts, sections, actions, st.none() | items)
def test_a_block_beats_every_other_rule(
    viewer: ViewerFacts, facts: Rights, section: Section, action: Action, item: ItemFacts | None
) -> None:
    blocked = replace(facts, is_blocked=True)
    decision = decide(viewer, blocked, section, action, item)
    assert not decision.allowed
    assert decision.not_found
    assert not document_visibility(viewer, blocked).visible


@settings(max_examples=400, deadline=None)
@given(viewers, rights_facts, sections, actions, st.none() | items)
def test_professional_rights_never_exceed_the_matrix(
    viewer: ViewerFacts, facts: Rights, section: Section, action: Action, item: ItemFacts | None
) -> None:
    decision = decide(viewer, facts, section, action, item)
    basis = decision.delegated_basis or decision.basis
    if basis in PROFESSIONAL_BASES:
        assert viewer.professional is not None
        assert MATRIX.allows(viewer.professional, section, action)
        if section is D and item is not None:
            assert MATRIX.allows_document(viewer.professional, item.category, item.type_code)


@settings(max_examples=300, deadline=None)
@given(viewers, rights_facts, sections, actions, st.none() | items)
def test_an_app_never_widens_the_persons_rights(
    viewer: ViewerFacts, facts: Rights, section: Section, action: Action, item: ItemFacts | None
) -> None:
    decision = decide(viewer, facts, section, action, item)
    if decision.allowed and facts.app is not None:
        assert (section, action) in facts.app.scopes
        person = replace(facts, app=None)
        assert decide(viewer, person, section, action, item).allowed


@settings(max_examples=300, deadline=None)
@given(viewers, sections, actions, st.none() | items, st.none() | apps)
def test_no_relation_means_no_access_and_not_found(
    viewer: ViewerFacts, section: Section, action: Action, item: ItemFacts | None,
    app_facts: AppFacts | None,
) -> None:  # fmt: skip
    decision = decide(viewer, rights(app=app_facts), section, action, item)
    if action is Action.DEPOSIT:
        return  # a deposit needs no relation (see the deposit tests)
    assert not decision.allowed
    assert decision.reason is Refusal.NO_RELATION
    assert decision.not_found


@settings(max_examples=500, deadline=None)
@given(viewers, rights_facts, items)
def test_document_visibility_agrees_with_decide(
    viewer: ViewerFacts, facts: Rights, item: ItemFacts
) -> None:
    visibility = document_visibility(viewer, facts)
    assert visibility.visible == decide(viewer, facts, D, R).allowed
    assert visibility.admits(item) == decide(viewer, facts, D, R, item).allowed
