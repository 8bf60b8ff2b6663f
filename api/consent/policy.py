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

Refusals: a block beats everything and answers *not found*: a blocked professional must not
learn that the record exists. A viewer with no relation at all is *not found* too. A viewer
with some relation (even an expired or revoked grant, an ended representation, a closed
break-glass) is *forbidden* with a reason, because the patient is already known to them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from api.consent.facts import (
    AppFacts,
    Decision,
    DocumentFilter,
    DocumentVisibility,
    EmergencyFacts,
    GrantFacts,
    ItemFacts,
    Rights,
    ViewerFacts,
)
from api.consent.matrix import MATRIX, ProfessionRights
from api.consent.sections import Action, Basis, Profession, Refusal, Section

# The facts, the decision and the document filters live in ``facts``; re-exported here so
# callers keep importing them from the policy.
__all__ = [
    "EMERGENCY_PROFESSIONS",
    "HELD_BACK_NOTICE_DELAY",
    "AppFacts",
    "Decision",
    "DocumentFilter",
    "DocumentVisibility",
    "EmergencyFacts",
    "GrantFacts",
    "ItemFacts",
    "Rights",
    "ViewerFacts",
    "decide",
    "default_held_back_until",
    "document_visibility",
    "held_back_notice_due",
    "may_manage_consent",
    "may_open_emergency_access",
    "patient_reach",
]

EMERGENCY_PROFESSIONS = frozenset({Profession.EMERGENCY_PHYSICIAN, Profession.SAMU_REGULATOR})
HELD_BACK_NOTICE_DELAY = timedelta(weeks=2)
_ALL_SECTIONS = frozenset(Section)


@dataclass(frozen=True)
class _Route:
    """One active basis: the sections it reaches and how it sees items."""

    basis: Basis
    read: frozenset[Section]
    write: frozenset[Section]
    items: DocumentFilter
    limits: ProfessionRights | None = None  # the matrix row, for professional bases

    def section_refusal(self, section: Section, action: Action) -> Refusal | None:
        if self.limits is not None and not self.limits.allows(section, action):
            return Refusal.MATRIX_FORBIDS
        if section not in self.read:
            return Refusal.NOT_GRANTED
        if action is Action.WRITE and section not in self.write:
            return Refusal.READ_ONLY
        return None


def _refused(reason: Refusal) -> Decision:
    return Decision(allowed=False, basis=None, reason=reason)


def _routes(viewer: ViewerFacts, rights: Rights) -> tuple[list[_Route], list[Refusal]]:
    """The viewer's active bases, and the reasons of relations that are no longer active."""
    routes: list[_Route] = []
    dormant: list[Refusal] = []
    patient_side = DocumentFilter(exclude_held_back_after=rights.now)
    if rights.is_owner:
        routes.append(_Route(Basis.OWNER, _ALL_SECTIONS, _ALL_SECTIONS, patient_side))
    if rights.representative_until is not None:
        if rights.now < rights.representative_until:
            minor_side = replace(patient_side, exclude_minor_confidential=True)
            routes.append(_Route(Basis.REPRESENTATIVE, _ALL_SECTIONS, _ALL_SECTIONS, minor_side))
        else:
            dormant.append(Refusal.REPRESENTATIVE_ENDED)
    if viewer.professional is not None:
        _add_professional_routes(viewer.account_id, viewer.professional, rights, routes, dormant)
    return routes, dormant


def _add_professional_routes(
    account_id: int,
    profession: Profession,
    rights: Rights,
    routes: list[_Route],
    dormant: list[Refusal],
) -> None:
    row = MATRIX.rights(profession)
    seen_by_professional = DocumentFilter(
        allowed_categories=frozenset(row.document_categories),
        also_type_codes=row.also_read_types,
        excluded_type_codes=row.never_read_types,
        exclude_hidden=True,
        hidden_exempt_author=account_id,
    )
    if rights.is_treating_doctor:
        sees_hidden = replace(seen_by_professional, exclude_hidden=False)
        routes.append(_Route(Basis.TREATING_DOCTOR, _ALL_SECTIONS, _ALL_SECTIONS, sees_hidden, row))

    active = [g for g in rights.grants if rights.now < g.ended_at()]
    if active:
        read = frozenset().union(*(g.sections for g in active))
        write = frozenset().union(*(g.sections for g in active if g.write))
        routes.append(_Route(Basis.GRANT, read, write, seen_by_professional, row))
    elif rights.grants:
        last = max(rights.grants, key=GrantFacts.ended_at)
        dormant.append(Refusal.GRANT_REVOKED if last.was_revoked() else Refusal.GRANT_EXPIRED)

    if rights.emergency is not None:
        reason = _emergency_refusal(profession, rights.emergency, rights)
        if reason is None:
            routes.append(
                _Route(Basis.EMERGENCY, _ALL_SECTIONS, frozenset(), seen_by_professional, row)
            )
        else:
            dormant.append(reason)


def _emergency_refusal(
    profession: Profession, emergency: EmergencyFacts, rights: Rights
) -> Refusal | None:
    if profession not in EMERGENCY_PROFESSIONS:
        return Refusal.NOT_EMERGENCY_PROFESSION
    if rights.emergency_opposed:
        return Refusal.EMERGENCY_OPPOSED
    if rights.now < emergency.opened_at:
        return Refusal.EMERGENCY_NOT_OPEN
    if rights.now >= emergency.expires_at:
        return Refusal.EMERGENCY_EXPIRED
    return None


def _deposit(viewer: ViewerFacts, section: Section) -> Decision:
    if viewer.professional is None:
        return _refused(Refusal.NOT_A_PROFESSIONAL)
    if section is not Section.DOCUMENTS:
        return _refused(Refusal.NOT_DEPOSITABLE)
    if not MATRIX.allows(viewer.professional, Section.DOCUMENTS, Action.DEPOSIT):
        return _refused(Refusal.MATRIX_FORBIDS)
    return Decision(allowed=True, basis=Basis.DEPOSIT, reason=None)


def _decide_for_person(
    viewer: ViewerFacts, rights: Rights, section: Section, action: Action, item: ItemFacts | None
) -> Decision:
    if rights.is_blocked:
        return _refused(Refusal.BLOCKED)
    if action is Action.DEPOSIT:
        # A deposit adds a new document and reads nothing: no relation needed, no item rule.
        return _deposit(viewer, section)
    routes, dormant = _routes(viewer, rights)
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
    return _refused(reasons[0] if reasons else Refusal.NO_RELATION)


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
        return _refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=person.basis)


def document_visibility(viewer: ViewerFacts, rights: Rights) -> DocumentVisibility:
    """The filter for listing documents; agrees with ``decide(..., DOCUMENTS, READ, item)``."""
    if rights.is_blocked:
        return DocumentVisibility()
    if rights.app is not None and (Section.DOCUMENTS, Action.READ) not in rights.app.scopes:
        return DocumentVisibility()
    routes, _ = _routes(viewer, rights)
    filters = (r.items for r in routes if r.section_refusal(Section.DOCUMENTS, Action.READ) is None)
    return DocumentVisibility(tuple(dict.fromkeys(filters)))


def default_held_back_until(created_at: datetime) -> datetime:
    """One month later: the same day next month, or that month's last day if it is shorter."""
    year, month_index = divmod(created_at.year * 12 + created_at.month, 12)  # month is 1-based
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return created_at.replace(year=year, month=month, day=min(created_at.day, last_day))


def held_back_notice_due(held_back_since: datetime, now: datetime) -> bool:
    """Whether the patient must be told a document is held back (after two weeks)."""
    return now >= held_back_since + HELD_BACK_NOTICE_DELAY


# --- decisions about the relation itself, rather than a section --------------------------

_MANAGING_BASES = frozenset({Basis.OWNER, Basis.REPRESENTATIVE})


def patient_reach(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer know that this patient exists (open the record, list it)?

    Allowed on any active basis; refused but not concealed for an ended relation (the
    patient is already known to the viewer); *not found* for a stranger or a blocked viewer.
    A deposit is no relation: depositing a document does not open the record.
    """
    if rights.is_blocked:
        return _refused(Refusal.BLOCKED)
    routes, dormant = _routes(viewer, rights)
    if not routes:
        return _refused(dormant[0] if dormant else Refusal.NO_RELATION)
    basis = routes[0].basis
    if rights.app is not None:
        return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=basis)
    return Decision(allowed=True, basis=basis, reason=None)


def may_manage_consent(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer grant and revoke access, designate, block, hide, or change settings?

    Only the patient and, until the 18th birthday, a parent. A professional never manages
    someone else's consent, even as treating doctor or with a write grant on identity. An
    app acting for the patient needs the identity write scope.
    """
    if rights.is_blocked:
        return _refused(Refusal.BLOCKED)
    routes, dormant = _routes(viewer, rights)
    managing = [route.basis for route in routes if route.basis in _MANAGING_BASES]
    if not managing:
        if Refusal.REPRESENTATIVE_ENDED in dormant:
            return _refused(Refusal.REPRESENTATIVE_ENDED)
        return _refused(Refusal.NOT_GRANTED if routes or dormant else Refusal.NO_RELATION)
    if rights.app is None:
        return Decision(allowed=True, basis=managing[0], reason=None)
    if (Section.IDENTITY, Action.WRITE) not in rights.app.scopes:
        return _refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=managing[0])


def may_open_emergency_access(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer open break-glass access to this patient now?

    Emergency professions only, unless the patient opposed it; a block beats it (and stays
    concealed). Never through an app: break-glass is a deliberate act of the person.
    """
    if rights.is_blocked:
        return _refused(Refusal.BLOCKED)
    if viewer.professional is None or viewer.professional not in EMERGENCY_PROFESSIONS:
        return _refused(Refusal.NOT_EMERGENCY_PROFESSION)
    if rights.emergency_opposed:
        return _refused(Refusal.EMERGENCY_OPPOSED)
    if rights.app is not None:
        return _refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.EMERGENCY, reason=None)
