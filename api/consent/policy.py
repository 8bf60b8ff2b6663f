"""The one consent decision point: pure functions over facts loaded once per request.

Nothing here does I/O or reads the clock; ``Rights.now`` is the instant of the request. The
caller loads the facts about (viewer, patient), asks ``decide`` for each section or item, and
asks ``document_visibility`` for the filter that document lists apply in SQL, before
pagination. Deny by default: access exists only through a basis below.

Bases, tried in this order; the first that allows wins:
  owner           everything, except a document held back from the patient
  representative  a parent of a minor: the owner's rights until ``representative_until``
                  (the 18th birthday), minus items the minor keeps confidential
  treating_doctor read and write every section the matrix allows, hidden documents included
                  (the treating doctor coordinates care and keeps the record up to date)
  grant           active grants' sections ∩ matrix; write only through a grant with write
  emergency       break-glass, emergency professions only, read-only, hidden stays hidden
  deposit         ``Action.DEPOSIT`` to documents by any professional; gives no read
An app acting for the viewer gets the person's decision ∩ the app's scopes, basis ``app``.
``patient_reach``, ``may_manage_consent`` and ``may_open_emergency_access`` answer about the
relation itself: opening the record, managing its consent, breaking the glass.
``may_start_conversation`` and ``may_{read,write_in,close}_conversation`` decide secure
messaging (at the end of this module).
``may_state`` answers from what age a record holds advance directives, a trusted person,
an organ-donation stance (``api.consent.ages``, by French law), whoever writes them.

Refusals: a block beats everything and answers *not found*: a blocked professional must not
learn that the record exists. An archived record (its owner closed the account) is *not
found* to everyone but its owner, who reads it and changes nothing (``routes.active_routes``).
A viewer with no relation at all is *not found* too. A viewer
with some relation (even an expired or revoked grant, an ended representation, a closed
break-glass) is *forbidden* with a reason, because the patient is already known to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from api.consent.ages import MINIMUM_AGE, Statement, may_state, open_statements
from api.consent.facts import (
    AppFacts,
    ConversationFacts,
    Decision,
    DocumentFilter,
    DocumentVisibility,
    EmergencyFacts,
    GrantFacts,
    ItemFacts,
    RelationFilter,
    Rights,
    ViewerFacts,
)
from api.consent.matrix import MATRIX
from api.consent.relation import (
    SHARING_BASES,
    grant_expired_at,
    may_export_record,
    may_manage_consent,
    may_open_emergency_access,
    patient_reach,
    represents,
    shared_records_filter,
    shares_record,
)
from api.consent.routes import (
    EMERGENCY_PROFESSIONS,
    active_routes,
    archived_refusal,
    refused,
)
from api.consent.sections import Action, Basis, Refusal, Section
from api.dates import months_after

# The facts, the decision, the document filters and the relation decisions live in
# ``facts`` and ``relation``; re-exported here so callers keep importing them from the policy.
__all__ = [
    "EMERGENCY_FOLLOW_UP",
    "EMERGENCY_PROFESSIONS",
    "HELD_BACK_NOTICE_DELAY",
    "MINIMUM_AGE",
    "SHARING_BASES",
    "AppFacts",
    "ConversationFacts",
    "Decision",
    "DocumentFilter",
    "DocumentVisibility",
    "EmergencyFacts",
    "GrantFacts",
    "ItemFacts",
    "RelationFilter",
    "Rights",
    "Statement",
    "ViewerFacts",
    "decide",
    "default_held_back_until",
    "document_visibility",
    "grant_expired_at",
    "held_back_notice_due",
    "may_close_conversation",
    "may_export_record",
    "may_file_attachment",
    "may_list_conversations",
    "may_manage_consent",
    "may_open_emergency_access",
    "may_read_conversation",
    "may_start_conversation",
    "may_state",
    "may_write_in_conversation",
    "open_statements",
    "patient_reach",
    "represents",
    "shared_records_filter",
    "shares_record",
]

HELD_BACK_NOTICE_DELAY = timedelta(weeks=2)


def _deposit(viewer: ViewerFacts, section: Section) -> Decision:
    if viewer.professional is None:
        return refused(Refusal.NOT_A_PROFESSIONAL)
    if section is not Section.DOCUMENTS:
        return refused(Refusal.NOT_DEPOSITABLE)
    if not MATRIX.allows(viewer.professional, Section.DOCUMENTS, Action.DEPOSIT):
        return refused(Refusal.MATRIX_FORBIDS)
    return Decision(allowed=True, basis=Basis.DEPOSIT, reason=None)


def _decide_for_person(
    viewer: ViewerFacts, rights: Rights, section: Section, action: Action, item: ItemFacts | None
) -> Decision:
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    if action is Action.DEPOSIT:
        # A deposit adds a new document and reads nothing: no relation needed, no item rule;
        # but nothing enters an archived record.
        if rights.archived:
            return refused(Refusal.RECORD_ARCHIVED)
        return _deposit(viewer, section)
    routes, dormant = active_routes(viewer, rights)
    section_refusals: list[Refusal] = []
    item_refusals: list[Refusal] = []
    for route in routes:
        reason = route.section_refusal(section, action)
        if reason is not None:
            section_refusals.append(reason)
            continue
        if item is not None:
            items = route.items
            if section is not Section.DOCUMENTS:
                items = items.ignoring_document_types()
            reason = items.refusal(item)
            if reason is not None:
                item_refusals.append(reason)
                continue
        return Decision(allowed=True, basis=route.basis, reason=None)
    # A relation that opens the section but not this item explains best: the item stays as
    # unknown as a missing one, whatever other relations say about the section. Then active
    # relations explain a refusal better than ended ones.
    reasons = item_refusals + section_refusals + dormant
    return refused(reasons[0] if reasons else Refusal.NO_RELATION)


def decide(
    viewer: ViewerFacts,
    rights: Rights,
    section: Section,
    action: Action,
    item: ItemFacts | None = None,
) -> Decision:
    """May ``viewer`` do ``action`` on ``section`` (or on ``item`` in it) of the patient?

    ``item`` describes an existing entry or document; an action on an item the viewer may
    not see is refused. Without ``item`` the decision is about the section as a whole.
    """
    person = _decide_for_person(viewer, rights, section, action, item)
    if rights.app is None or not person.allowed:
        return person
    if (section, action) not in rights.app.scopes:
        return refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=person.basis)


def document_visibility(viewer: ViewerFacts, rights: Rights) -> DocumentVisibility:
    """The filter for listing documents; agrees with ``decide(..., DOCUMENTS, READ, item)``."""
    if rights.is_blocked:
        return DocumentVisibility()
    if rights.app is not None and (Section.DOCUMENTS, Action.READ) not in rights.app.scopes:
        return DocumentVisibility()
    routes, _ = active_routes(viewer, rights)
    filters = (r.items for r in routes if r.section_refusal(Section.DOCUMENTS, Action.READ) is None)
    return DocumentVisibility(tuple(dict.fromkeys(filters)))


def default_held_back_until(created_at: datetime) -> datetime:
    """One month later: the same day next month, or that month's last day if it is shorter."""
    return months_after(created_at, 1)


def held_back_notice_due(held_back_since: datetime, now: datetime) -> bool:
    """Whether the patient must be told a document is held back (after two weeks)."""
    return now >= held_back_since + HELD_BACK_NOTICE_DELAY


# --- Secure messaging ------------------------------------------------------------------
#
# Who may start a conversation is a question about the relation; once started, a
# conversation belongs to its two sides: the professional who started it, and the patient
# (with a parent while the patient is a minor). Nobody else learns that it exists: another
# professional, even the treating doctor, gets *not found*. No OAuth scope covers
# messaging yet, so an app is refused everything here (deny by default).

# How long after opening a break-glass access the emergency professional may still start a
# conversation (to follow up on the emergency); reading the record ends after 4 hours.
EMERGENCY_FOLLOW_UP = timedelta(days=30)
_STARTING_BASES = (Basis.TREATING_DOCTOR, Basis.GRANT, Basis.EMERGENCY)


def _emergency_follow_up(viewer: ViewerFacts, rights: Rights) -> bool:
    emergency = rights.emergency
    return (
        emergency is not None
        and viewer.professional in EMERGENCY_PROFESSIONS
        and not rights.emergency_opposed
        and emergency.opened_at <= rights.now < emergency.opened_at + EMERGENCY_FOLLOW_UP
    )


def may_start_conversation(viewer: ViewerFacts, rights: Rights, *, deposited: bool) -> Decision:
    """May this professional start a conversation with the patient?

    A relation that stands now: a current grant (an expired or revoked grant does not count:
    the patient's consent ended, and they can grant again), the treating-doctor designation,
    a break-glass access opened less than ``EMERGENCY_FOLLOW_UP`` ago, or a document this
    professional deposited in the record (``deposited``, loaded by the caller: a deposit is
    care given to this patient, and the document stays in the record). A block beats them
    all; a patient or a parent never starts one, and neither does an app.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    if viewer.professional is None:
        return refused(Refusal.NOT_A_PROFESSIONAL)
    if rights.archived:
        return refused(Refusal.RECORD_ARCHIVED)
    if rights.app is not None:
        return refused(Refusal.SCOPE_MISSING)
    routes, dormant = active_routes(viewer, rights)
    for route in routes:
        if route.basis in _STARTING_BASES:
            return Decision(allowed=True, basis=route.basis, reason=None)
    if _emergency_follow_up(viewer, rights):
        return Decision(allowed=True, basis=Basis.EMERGENCY, reason=None)
    if deposited:
        return Decision(allowed=True, basis=Basis.DEPOSIT, reason=None)
    return refused(dormant[0] if dormant else Refusal.NO_RELATION)


def may_read_conversation(
    viewer: ViewerFacts, rights: Rights, conversation: ConversationFacts
) -> Decision:
    """Its professional (unless blocked since), the patient, a parent until the 18th birthday.

    The professional keeps reading their conversation after the relation that let them start
    it has ended: it is their own correspondence, and the patient may still answer.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    its_professional = viewer.account_id == conversation.professional_account_id
    if viewer.professional is not None and its_professional:
        if rights.archived:
            return refused(Refusal.RECORD_ARCHIVED)
        if rights.app is not None:
            return refused(Refusal.SCOPE_MISSING)
        return Decision(allowed=True, basis=Basis.CONVERSATION, reason=None)
    return may_list_conversations(viewer, rights)


def may_list_conversations(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer see every conversation of the record? The patient's side only: the
    patient, and a parent until the 18th birthday. (A professional lists their own
    conversations, whoever the patient, without asking about a record.)"""
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    routes, dormant = active_routes(viewer, rights)
    sides = [r.basis for r in routes if r.basis in (Basis.OWNER, Basis.REPRESENTATIVE)]
    if not sides:
        ended = Refusal.REPRESENTATIVE_ENDED in dormant
        return refused(Refusal.REPRESENTATIVE_ENDED if ended else Refusal.NO_RELATION)
    if rights.app is not None:
        return refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=sides[0], reason=None)


def may_write_in_conversation(
    viewer: ViewerFacts, rights: Rights, conversation: ConversationFacts
) -> Decision:
    """Whoever reads it, while it is open."""
    decision = may_read_conversation(viewer, rights, conversation)
    archived = archived_refusal(rights)
    if decision.allowed and archived is not None:
        return refused(archived)
    if decision.allowed and conversation.closed:
        return refused(Refusal.CONVERSATION_CLOSED)
    return decision


def may_file_attachment(
    viewer: ViewerFacts, rights: Rights, conversation: ConversationFacts
) -> Decision:
    """Filing an attachment into the record's documents is the patient's side's act: the
    document is theirs, as if they had added it themselves."""
    decision = may_read_conversation(viewer, rights, conversation)
    archived = archived_refusal(rights)
    if decision.allowed and archived is not None:
        return refused(archived)
    if decision.allowed and decision.basis is Basis.CONVERSATION:
        return refused(Refusal.NOT_GRANTED)
    return decision


def may_close_conversation(
    viewer: ViewerFacts, rights: Rights, conversation: ConversationFacts
) -> Decision:
    """Only its professional closes it (closing again changes nothing)."""
    decision = may_read_conversation(viewer, rights, conversation)
    if decision.allowed and decision.basis is not Basis.CONVERSATION:
        return refused(Refusal.NOT_A_PROFESSIONAL)
    return decision
