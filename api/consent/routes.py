"""The viewer's active bases on a record: the routes every consent decision walks.

``active_routes`` turns the facts into the bases that currently open the record (with the
sections each reaches and how it sees items) and the reasons of relations that ended. The
section decisions (``api.consent.policy``) and the relation decisions
(``api.consent.relation``) both start from it, so a rule such as "a parent's access ends
at 18" is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from api.consent.facts import (
    Decision,
    DocumentFilter,
    EmergencyFacts,
    GrantFacts,
    Rights,
    ViewerFacts,
)
from api.consent.matrix import MATRIX, ProfessionRights
from api.consent.sections import Action, Basis, Profession, Refusal, Section

EMERGENCY_PROFESSIONS = frozenset({Profession.EMERGENCY_PHYSICIAN, Profession.SAMU_REGULATOR})
_ALL_SECTIONS = frozenset(Section)


@dataclass(frozen=True)
class Route:
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


def refused(reason: Refusal) -> Decision:
    return Decision(allowed=False, basis=None, reason=reason)


def archived_refusal(rights: Rights) -> Refusal | None:
    """Why a change to an archived record is refused: the owner reads it but changes nothing
    (``READ_ONLY``), anyone else meets an unknown record (``RECORD_ARCHIVED``, concealed)."""
    if not rights.archived:
        return None
    return Refusal.READ_ONLY if rights.is_owner else Refusal.RECORD_ARCHIVED


def active_routes(viewer: ViewerFacts, rights: Rights) -> tuple[list[Route], list[Refusal]]:
    """The viewer's active bases, and the reasons of relations that are no longer active.

    An archived record (its owner closed the account) keeps one route: the owner's, read
    only, so that the person who closed it can still see what reopening gives back. No
    parent, grant, treating doctor or break-glass opens it; they all end as
    ``RECORD_ARCHIVED``, which answers like an unknown record.
    """
    routes: list[Route] = []
    dormant: list[Refusal] = []
    patient_side = DocumentFilter(exclude_held_back_after=rights.now)
    if rights.archived:
        if rights.is_owner:
            routes.append(Route(Basis.OWNER, _ALL_SECTIONS, frozenset(), patient_side))
        return routes, [Refusal.RECORD_ARCHIVED]
    if rights.is_owner:
        routes.append(Route(Basis.OWNER, _ALL_SECTIONS, _ALL_SECTIONS, patient_side))
    if rights.representative_until is not None:
        if rights.now < rights.representative_until:
            minor_side = replace(patient_side, exclude_minor_confidential=True)
            routes.append(Route(Basis.REPRESENTATIVE, _ALL_SECTIONS, _ALL_SECTIONS, minor_side))
        else:
            dormant.append(Refusal.REPRESENTATIVE_ENDED)
    if viewer.professional is not None:
        _add_professional_routes(viewer.account_id, viewer.professional, rights, routes, dormant)
    return routes, dormant


def _add_professional_routes(
    account_id: int,
    profession: Profession,
    rights: Rights,
    routes: list[Route],
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
        routes.append(Route(Basis.TREATING_DOCTOR, _ALL_SECTIONS, _ALL_SECTIONS, sees_hidden, row))

    active = [g for g in rights.grants if g.live_at(rights.now)]
    if active:
        read = frozenset().union(*(g.sections for g in active))
        write = frozenset().union(*(g.sections for g in active if g.write))
        routes.append(Route(Basis.GRANT, read, write, seen_by_professional, row))
    elif rights.grants:
        last = max(rights.grants, key=GrantFacts.ended_at)
        dormant.append(Refusal.GRANT_REVOKED if last.was_revoked() else Refusal.GRANT_EXPIRED)

    if rights.emergency is not None:
        reason = _emergency_refusal(profession, rights.emergency, rights)
        if reason is None:
            routes.append(
                Route(Basis.EMERGENCY, _ALL_SECTIONS, frozenset(), seen_by_professional, row)
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


