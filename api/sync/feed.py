"""Reading a patient's changes after a cursor, as the viewer may see them.

Per section, the policy first says whether the viewer reads it; then the items are filtered
in SQL, before pagination, by the condition the section's own lists apply
(api/sync/sources.py). The changes of an item are shown when the item passes that condition
today (a document hidden since, or retyped out of the viewer's reach, drops out of the
feed), or, once deleted, when it passed it as it was when deleted.

Two statements whatever the number of changes: a count and a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from api import clock
from api.consent.facts import Decision, Rights, ViewerFacts
from api.consent.policy import decide
from api.consent.sections import Action, Section
from api.graphql.common import aware_moment, encode_cursor, read_cursor
from api.graphql.errors import CarnetError
from api.ids import MAX_BIG_ID, number_from_text
from api.sync.models import Change, ChangeKind
from api.sync.sources import FeedSource, feed_sources

# Changes are kept at least this long; a cursor older than that may have missed some.
CHANGE_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Position:
    """Where a client is in the feed: after change `change_id`, complete as of `as_of`."""

    change_id: int
    as_of: datetime


@dataclass(frozen=True)
class FeedPage:
    changes: list[Change]
    has_next: bool
    total: int
    end: Position


def encode_position(position: Position) -> str:
    return encode_cursor(position.change_id, position.as_of.isoformat())


def decode_position(cursor: str | None, now: datetime) -> Position | None:
    """The position a cursor names; BAD_CURSOR for one we did not issue, and
    CHANGES_CURSOR_EXPIRED when changes after it may already have been purged."""
    values = read_cursor(cursor, partial(number_from_text, limit=MAX_BIG_ID), aware_moment)
    if values is None:
        return None
    position = Position(*values)
    if position.as_of < now - CHANGE_RETENTION:
        raise CarnetError(
            "This cursor is older than the changes kept (30 days): fetch the record again, "
            "then follow the feed from the start.", code="CHANGES_CURSOR_EXPIRED")
    return position


def _section_condition(source: FeedSource, patient_id: int, viewer: ViewerFacts,
                       rights: Rights) -> Q:
    in_section = Q(section=source.section.value)
    items = source.items(viewer, rights)
    if items is None:
        return in_section
    # Every change of an item is shown when the item passes the condition now, or passed
    # it when it was deleted: one answer per item, whatever happened to it.
    live = source.model.filter(patient_id=patient_id).filter(items).values("id")
    deleted = Change.filter(patient_id=patient_id, section=source.section.value,
                            kind=ChangeKind.DELETED).filter(items).values("item_id")
    return in_section & (Q(item_id__in=Subquery(live)) | Q(item_id__in=Subquery(deleted)))


def readable_sections(viewer: ViewerFacts, rights: Rights
                      ) -> list[tuple[FeedSource, Decision]]:
    """The feed's sections the policy lets the viewer read, with each decision."""
    found = []
    for source in feed_sources():
        decision = decide(viewer, rights, source.section, Action.READ)
        if decision.allowed:
            found.append((source, decision))
    return found


def _visible(patient_id: int, viewer: ViewerFacts, rights: Rights,
             sources: list[FeedSource]) -> QuerySet[Change]:
    conditions = [_section_condition(s, patient_id, viewer, rights) for s in sources]
    either = conditions[0] if len(conditions) == 1 else Q(*conditions, join_type="OR")
    return Change.filter(patient_id=patient_id).filter(either)


async def change_page(patient_id: int, viewer: ViewerFacts, rights: Rights,
                      sources: list[FeedSource], after: Position | None, size: int
                      ) -> FeedPage:
    """Up to `size` changes after `after`, oldest first, and how many follow it in all."""
    now = clock.now()
    start = after.change_id if after is not None else 0
    if not sources:
        return FeedPage([], False, 0, Position(start, now))
    following = _visible(patient_id, viewer, rights, sources).filter(id__gt=start)
    total = await following.count()
    rows = list(await following.order_by("id").limit(size + 1))
    page, has_next = rows[:size], len(rows) > size
    if not page:
        return FeedPage([], False, total, Position(start, now))
    # Complete as of now when nothing follows; else only as of the last change returned.
    as_of = page[-1].occurred_at if has_next else now
    return FeedPage(page, has_next, total, Position(page[-1].id, as_of))


def section_of(change: Change) -> Section:
    return Section(change.section)
