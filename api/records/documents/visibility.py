"""The policy's document filters, as SQL conditions applied before pagination.

`DocumentVisibility` (api/consent/policy.py) is a union of `DocumentFilter`s; each filter
becomes one AND of conditions and the filters are ORed. Tests check on random documents
that the database admits exactly what `DocumentVisibility.admits` admits.
"""

from __future__ import annotations

from tortoise.expressions import Q

from api.consent.policy import DocumentFilter, DocumentVisibility

NOTHING = Q(id__in=[])  # renders as a condition no row meets


def filter_condition(rule: DocumentFilter) -> Q | None:
    """The SQL condition of one filter; None when it admits every document."""
    parts: list[Q] = []
    if rule.allowed_categories is not None:
        either: list[Q] = []
        if rule.allowed_categories:
            either.append(Q(category__in=sorted(rule.allowed_categories)))
        if rule.also_type_codes:
            either.append(Q(type_code__in=sorted(rule.also_type_codes)))
        parts.append(Q(*either, join_type="OR") if either else NOTHING)
    if rule.excluded_type_codes:
        # NOT IN alone would drop a NULL type code, which the policy keeps.
        parts.append(
            Q(type_code__isnull=True) | ~Q(type_code__in=sorted(rule.excluded_type_codes))
        )
    if rule.exclude_hidden:
        shown = Q(hidden_from_professionals=False)
        if rule.hidden_exempt_author is not None:
            shown |= Q(created_by_id=rule.hidden_exempt_author)
        parts.append(shown)
    if rule.exclude_held_back_after is not None:
        parts.append(
            Q(held_back_until__isnull=True) | Q(held_back_until__lte=rule.exclude_held_back_after)
        )
    if rule.exclude_minor_confidential:
        parts.append(Q(confidential_for_minor=False))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Q(*parts, join_type="AND")


def visibility_condition(visibility: DocumentVisibility) -> Q | None:
    """The SQL condition for a listing; None when every document is visible.

    Callers skip the query altogether when `visibility.visible` is False.
    """
    conditions: list[Q] = []
    for rule in visibility.filters:
        condition = filter_condition(rule)
        if condition is None:
            return None  # one filter admits everything, so the union does too
        conditions.append(condition)
    if not conditions:
        return NOTHING
    return conditions[0] if len(conditions) == 1 else Q(*conditions, join_type="OR")
