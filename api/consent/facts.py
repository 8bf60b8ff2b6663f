"""The facts the consent policy decides on, and what it answers (decisions, list filters).

Plain frozen dataclasses with no behaviour beyond small derived values: the caller
(``api.consent.rights``) fills them from the database once per request, and
``api.consent.policy`` reads them without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from api.consent.sections import Action, Basis, Profession, Refusal, Section

# Refusals that must not reveal that the patient, or the item, exists.
CONCEALING_REFUSALS = frozenset(
    {
        Refusal.NO_RELATION,
        Refusal.BLOCKED,
        Refusal.HIDDEN,
        Refusal.HELD_BACK,
        Refusal.CONFIDENTIAL_FOR_MINOR,
        Refusal.DOCUMENT_TYPE_FORBIDDEN,
        Refusal.RECORD_ARCHIVED,
    }
)


@dataclass(frozen=True)
class ViewerFacts:
    account_id: int
    professional: Profession | None  # None for a patient or parent account


@dataclass(frozen=True)
class GrantFacts:
    sections: frozenset[Section]
    write: bool
    expires_at: datetime  # the grant ends at this instant
    revoked_at: datetime | None = None

    def ended_at(self) -> datetime:
        if self.revoked_at is not None and self.revoked_at < self.expires_at:
            return self.revoked_at
        return self.expires_at

    def was_revoked(self) -> bool:
        """Revoked before it would have expired."""
        return self.ended_at() != self.expires_at

    def live_at(self, now: datetime) -> bool:
        """Whether the grant opens the record at ``now``: until it expires or is revoked.

        The one statement of a live grant; ``api.consent.relation_sql.live_grants`` is its SQL.
        """
        return now < self.ended_at()


@dataclass(frozen=True)
class EmergencyFacts:
    opened_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AppFacts:
    """An OAuth app acting for the viewer; scopes are exact (a write scope gives no read).

    ``export``: the app holds ``fhir.export``, the whole record as one file (what the file
    holds is still what the section scopes let it read).
    """

    scopes: frozenset[tuple[Section, Action]]
    export: bool = False


@dataclass(frozen=True)
class Rights:
    """Everything about (viewer, patient), loaded once per request by the caller.

    All datetimes must be comparable with ``now`` (aware, preferably UTC).
    """

    patient_id: int
    now: datetime
    is_owner: bool = False
    representative_until: datetime | None = None  # a parent's rights end at this instant
    grants: tuple[GrantFacts, ...] = ()
    is_treating_doctor: bool = False
    is_blocked: bool = False
    emergency: EmergencyFacts | None = None
    emergency_opposed: bool = False
    app: AppFacts | None = None
    # The patient closed their account: the record is archived (api.consent.routes).
    archived: bool = False


@dataclass(frozen=True)
class ItemFacts:
    """One entry or document, when the decision is about an existing item."""

    author_account_id: int | None = None
    category: str | None = None  # documents only
    type_code: str | None = None  # documents only (LOINC)
    hidden_from_professionals: bool = False
    held_back_until: datetime | None = None  # the patient sees it from this instant on
    confidential_for_minor: bool = False


@dataclass(frozen=True)
class ConversationFacts:
    """One conversation of secure messaging, when the decision is about it."""

    professional_account_id: int | None  # who started it; None once their account is gone
    closed: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis | None
    reason: Refusal | None
    # For ``Basis.APP``: the basis of the person the app acts for (for the access history).
    delegated_basis: Basis | None = None
    # A refusal whose reason is kept for the record (e.g. the patient's access history) but
    # must be answered like a missing patient, whatever the reason.
    concealed: bool = False

    def __post_init__(self) -> None:
        if self.allowed != (self.basis is not None) or self.allowed == (self.reason is not None):
            raise ValueError("a decision has a basis when allowed, a reason when refused")

    @property
    def not_found(self) -> bool:
        """Answer NOT_FOUND rather than FORBIDDEN: the patient (or item) must stay unseen."""
        return self.concealed or self.reason in CONCEALING_REFUSALS


@dataclass(frozen=True)
class DocumentFilter:
    """One way of seeing documents; an item passes when every condition holds.

    In SQL: ``(category IN allowed_categories OR type_code IN also_type_codes)`` (skipped when
    ``allowed_categories`` is None), ``AND (type_code IS NULL OR type_code NOT IN
    excluded_type_codes)``, ``AND (NOT hidden OR author_account_id = hidden_exempt_author)``
    when ``exclude_hidden``, ``AND (held_back_until IS NULL OR held_back_until <=
    exclude_held_back_after)`` when set, ``AND NOT confidential_for_minor`` when asked.
    """

    allowed_categories: frozenset[str] | None = None  # None: every category
    also_type_codes: frozenset[str] = frozenset()
    excluded_type_codes: frozenset[str] = frozenset()
    exclude_hidden: bool = False
    hidden_exempt_author: int | None = None
    exclude_held_back_after: datetime | None = None
    exclude_minor_confidential: bool = False

    def refusal(self, item: ItemFacts) -> Refusal | None:
        if item.type_code is not None and item.type_code in self.excluded_type_codes:
            return Refusal.DOCUMENT_TYPE_FORBIDDEN
        if self.allowed_categories is not None and not (
            (item.category is not None and item.category in self.allowed_categories)
            or (item.type_code is not None and item.type_code in self.also_type_codes)
        ):
            return Refusal.DOCUMENT_TYPE_FORBIDDEN
        if (
            self.exclude_hidden
            and item.hidden_from_professionals
            and (
                item.author_account_id is None
                or item.author_account_id != self.hidden_exempt_author
            )
        ):
            return Refusal.HIDDEN
        until, cutoff = item.held_back_until, self.exclude_held_back_after
        if cutoff is not None and until is not None and until > cutoff:
            return Refusal.HELD_BACK
        if self.exclude_minor_confidential and item.confidential_for_minor:
            return Refusal.CONFIDENTIAL_FOR_MINOR
        return None

    def admits(self, item: ItemFacts) -> bool:
        return self.refusal(item) is None

    def ignoring_document_types(self) -> DocumentFilter:
        """The same filter for entries of other sections, which have no document type."""
        return replace(self, allowed_categories=None, excluded_type_codes=frozenset())


@dataclass(frozen=True)
class RelationFilter:
    """Which records a viewer lists as shared with them: ``relation.shares_record`` as a
    filter over every patient, for lists that page in SQL.

    In SQL (``api.consent.relation_sql``), over the viewer's own professional rows: a grant live
    at ``grants_live_at`` (``GrantFacts.live_at``) when that is set, OR a treating-doctor
    designation when ``treating_doctor``; AND never a patient who blocked the viewer, nor an
    archived record.
    ``account_id`` None (not a professional) lists nothing.
    """

    account_id: int | None
    grants_live_at: datetime | None = None
    treating_doctor: bool = False

    def admits(self, rights: Rights) -> bool:
        if self.account_id is None or rights.is_blocked or rights.archived:
            return False
        at = self.grants_live_at
        if at is not None and any(grant.live_at(at) for grant in rights.grants):
            return True
        return self.treating_doctor and rights.is_treating_doctor


@dataclass(frozen=True)
class DocumentVisibility:
    """Which documents of the patient the viewer may list: the union of ``filters``.

    No filter at all means nothing is visible; the data layer ORs the filters' clauses.
    """

    filters: tuple[DocumentFilter, ...] = field(default=())

    @property
    def visible(self) -> bool:
        return bool(self.filters)

    def admits(self, item: ItemFacts) -> bool:
        return any(f.admits(item) for f in self.filters)
