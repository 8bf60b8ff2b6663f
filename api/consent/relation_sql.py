"""The policy's relation filter as SQL: which records are shared with a professional.

``api.consent.relation.shared_records_filter`` states who lists which record (the same rule
as ``shares_record``); this module only translates that ``RelationFilter`` into queries, the
way ``api.records.documents.visibility`` translates document filters. Both lists of a professional's
patients (``patients`` and ``myPatients``) page over these queries, so filtering happens
before counting. Tests check, relation by relation, that the database lists exactly what
``shares_record`` allows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from api.consent.facts import RelationFilter
from api.consent.models import Block, Grant, TreatingDoctor
from api.identity.models import AccountStatus, Patient


def live_grants(moment: datetime) -> Q:
    """``GrantFacts.live_at(moment)`` on grant rows: not expired, not revoked by then."""
    return Q(expires_at__gt=moment) & (Q(revoked_at__isnull=True) | Q(revoked_at__gt=moment))


def shared_grants(rule: RelationFilter) -> QuerySet[Grant]:
    """The viewer's grants that put a record in their list (none unless the rule counts
    grants), blocked patients and archived records left out."""
    if rule.account_id is None or rule.grants_live_at is None:
        return Grant.filter(id__in=[])
    mine = Grant.filter(live_grants(rule.grants_live_at),
                        professional__account_id=rule.account_id)
    return mine.exclude(patient_id__in=_blocked(rule.account_id)).exclude(
        patient_id__in=_archived())


def shared_designations(rule: RelationFilter) -> QuerySet[TreatingDoctor]:
    """The viewer's treating-doctor designations that put a record in their list."""
    if rule.account_id is None or not rule.treating_doctor:
        return TreatingDoctor.filter(id__in=[])
    mine = TreatingDoctor.filter(professional__account_id=rule.account_id)
    return mine.exclude(patient_id__in=_blocked(rule.account_id)).exclude(
        patient_id__in=_archived())


def shared_condition(rule: RelationFilter, field: str = "id") -> Q:
    """The condition on ``field`` (a patient id) that admits exactly the shared records."""
    granted: dict[str, Any] = {f"{field}__in": Subquery(shared_grants(rule).values("patient_id"))}
    designated: dict[str, Any] = {
        f"{field}__in": Subquery(shared_designations(rule).values("patient_id"))}
    return Q(**granted) | Q(**designated)


def _blocked(account_id: int) -> Subquery:
    return Subquery(Block.filter(professional__account_id=account_id).values("patient_id"))


def _archived() -> Subquery:
    """The archived records: their owner closed the account (``Rights.archived``)."""
    return Subquery(Patient.filter(account__status=AccountStatus.CLOSED).values("id"))
