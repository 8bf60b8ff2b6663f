"""Decisions about the relation itself rather than a section: may the viewer know that the
record exists, is it shared with them (their list of patients), may they manage its
consent, break the glass, act as the patient's representative?

Pure, like ``api.consent.policy``, and built on the same ``active_routes``.
"""

from __future__ import annotations

from datetime import datetime

from api.consent.facts import Decision, RelationFilter, Rights, ViewerFacts
from api.consent.routes import (
    EMERGENCY_PROFESSIONS,
    active_routes,
    archived_refusal,
    refused,
)
from api.consent.sections import Action, Basis, Refusal, Section

_MANAGING_BASES = frozenset({Basis.OWNER, Basis.REPRESENTATIVE})
# What makes a record "shared with" a professional, listed among their patients: a standing
# relation the patient chose. A break-glass access opens the record for hours and is listed
# on its own (``myEmergencyAccesses``); the patient's side reaches records it does not list.
SHARING_BASES = frozenset({Basis.GRANT, Basis.TREATING_DOCTOR})


def patient_reach(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer know that this patient exists (open the record, list it)?

    Allowed on any active basis; refused but not concealed for an ended relation (the
    patient is already known to the viewer); *not found* for a stranger or a blocked viewer.
    A deposit is no relation: depositing a document does not open the record. An archived
    record reaches its owner only (read only); anyone else gets *not found*.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    routes, dormant = active_routes(viewer, rights)
    if not routes:
        return refused(dormant[0] if dormant else Refusal.NO_RELATION)
    basis = routes[0].basis
    if rights.app is not None:
        return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=basis)
    return Decision(allowed=True, basis=basis, reason=None)


def shares_record(viewer: ViewerFacts, rights: Rights) -> Decision:
    """Is the record shared with the viewer now, so listed among their patients?

    Allowed on an active basis of ``SHARING_BASES``; a block beats it. An app acting for the
    professional lists what the professional lists: the sections then answer by its scopes.
    ``shared_records_filter`` is the same rule over every patient, for SQL.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    routes, dormant = active_routes(viewer, rights)
    sharing = [route.basis for route in routes if route.basis in SHARING_BASES]
    if not sharing:
        fallback = Refusal.NOT_GRANTED if routes else Refusal.NO_RELATION
        return refused(dormant[0] if dormant else fallback)
    if rights.app is not None:
        return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=sharing[0])
    return Decision(allowed=True, basis=sharing[0], reason=None)


def shared_records_filter(viewer: ViewerFacts, now: datetime) -> RelationFilter:
    """``shares_record`` for every patient at once: the filter a list applies in SQL.

    Built from ``SHARING_BASES`` and the routes' own rules (a grant counts while
    ``GrantFacts.live_at``); ``RelationFilter.admits`` agrees with ``shares_record``.
    """
    if viewer.professional is None:
        return RelationFilter(account_id=None)
    return RelationFilter(
        account_id=viewer.account_id,
        grants_live_at=now if Basis.GRANT in SHARING_BASES else None,
        treating_doctor=Basis.TREATING_DOCTOR in SHARING_BASES,
    )


def grant_expired_at(rights: Rights, section: Section) -> datetime | None:
    """When the viewer's last grant on ``section`` ran out, if one did by ``rights.now``.

    Explains a refused section ("shared until ..."); a grant that was revoked ended by the
    patient's choice and reads as never shared.
    """
    ends = [grant.expires_at for grant in rights.grants
            if section in grant.sections and not grant.was_revoked()
            and not grant.live_at(rights.now)]
    return max(ends, default=None)


def may_manage_consent(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer grant and revoke access, designate, block, hide, or change settings?

    Only the patient and, until the 18th birthday, a parent; nobody while the record is
    archived (the owner gets ``READ_ONLY``: reopening comes first). A professional never manages
    someone else's consent, even as treating doctor or with a write grant on identity. An
    app acting for the patient needs the identity write scope.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    archived = archived_refusal(rights)
    if archived is not None:  # an archived record's consent stays as it was closed
        return refused(archived)
    routes, dormant = active_routes(viewer, rights)
    managing = [route.basis for route in routes if route.basis in _MANAGING_BASES]
    if not managing:
        if Refusal.REPRESENTATIVE_ENDED in dormant:
            return refused(Refusal.REPRESENTATIVE_ENDED)
        return refused(Refusal.NOT_GRANTED if routes or dormant else Refusal.NO_RELATION)
    if rights.app is None:
        return Decision(allowed=True, basis=managing[0], reason=None)
    if (Section.IDENTITY, Action.WRITE) not in rights.app.scopes:
        return refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=managing[0])


def may_export_record(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer take the whole record away as one file (the FHIR export)?

    The patient and, until the 18th birthday, a parent: whoever manages the record. A
    professional never does, whatever their relation: they read the record through the
    sections the patient shares, and file what they need in their own software. An app
    acting for the patient's side needs the ``fhir.export`` scope; each section of the
    file is then decided as usual (``decide``), so the app's read scopes still apply. An
    archived record is taken away by its owner only (a read: allowed).
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    if archived_refusal(rights) is Refusal.RECORD_ARCHIVED:
        return refused(Refusal.RECORD_ARCHIVED)
    routes, dormant = active_routes(viewer, rights)
    managing = [route.basis for route in routes if route.basis in _MANAGING_BASES]
    if not managing:
        if Refusal.REPRESENTATIVE_ENDED in dormant:
            return refused(Refusal.REPRESENTATIVE_ENDED)
        return refused(Refusal.NOT_GRANTED if routes or dormant else Refusal.NO_RELATION)
    if rights.app is None:
        return Decision(allowed=True, basis=managing[0], reason=None)
    if not rights.app.export:
        return refused(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.APP, reason=None, delegated_basis=managing[0])


def _concealed(reason: Refusal) -> Decision:
    return Decision(allowed=False, basis=None, reason=reason, concealed=True)


def may_open_emergency_access(viewer: ViewerFacts, rights: Rights) -> Decision:
    """May the viewer open break-glass access to this patient now?

    Emergency professions only, unless the patient opposed it; a block beats it. Never
    through an app: break-glass is a deliberate act of the person. Every refusal is
    *not found*: whoever asks by INS and birth date must not learn whether the person
    exists, opposed, or blocked them; the reason stays for the patient's access history.
    """
    if rights.is_blocked:
        return refused(Refusal.BLOCKED)
    if rights.archived:
        return _concealed(Refusal.RECORD_ARCHIVED)
    if viewer.professional is None or viewer.professional not in EMERGENCY_PROFESSIONS:
        return _concealed(Refusal.NOT_EMERGENCY_PROFESSION)
    if rights.emergency_opposed:
        return _concealed(Refusal.EMERGENCY_OPPOSED)
    if rights.app is not None:
        return _concealed(Refusal.SCOPE_MISSING)
    return Decision(allowed=True, basis=Basis.EMERGENCY, reason=None)


def represents(viewer: ViewerFacts, rights: Rights) -> bool:
    """Whether the viewer acts now as the patient's legal representative (a parent).

    The same route that opens the record to a parent, so it ends by itself at 18; a block
    ends it too.
    """
    if rights.is_blocked:
        return False
    routes, _ = active_routes(viewer, rights)
    return any(route.basis is Basis.REPRESENTATIVE for route in routes)
