"""`changes(patientId, after)`: what changed in the record since a cursor.

The viewer must reach the record (patient_reach), then sees the changes of the sections the
policy lets it read, filtered like the sections' own lists. Rights are loaded for each
request, so a revoked grant or a disconnected app stops the feed at the next request.
"""
# strawberry.field is untyped for mypy: keep the resolver typed anyway.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api import clock
from api.consent.permissions import OUT_OF_REACH, facts_for, reach
from api.consent.sections import Action
from api.graphql.common import Page, build_page, page_size, parse_id
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired, NotFound
from api.identity.models import Patient
from api.sync.feed import (
    Position,
    change_page,
    decode_position,
    encode_position,
    readable_sections,
)
from api.sync.types import ChangeType


@strawberry.type
class SyncQuery:
    @strawberry.field(description=(
        "Changes to the record after `after`, oldest first: which item of which section was "
        "created, updated or deleted, and when; only in sections and items the viewer may "
        "read. `pageInfo.endCursor` is always set: keep it and pass it as `after` next time. "
        "Changes are kept 30 days: an older cursor gets the error CHANGES_CURSOR_EXPIRED "
        "(fetch the record again, then follow the feed). `totalCount` counts the changes "
        "after `after`."))
    async def changes(self, info: Info, patient_id: strawberry.ID, after: str | None = None,
                      first: int | None = None) -> Page[ChangeType]:
        size = page_size(first)
        position = decode_position(after, clock.now())
        patient = await Patient.get_or_none(id=parse_id(patient_id, "patientId"))
        if patient is None:
            raise NotFound(OUT_OF_REACH)
        reached = await reach(info, patient)
        if not reached.allowed:
            if reached.not_found:
                raise NotFound(OUT_OF_REACH)
            reason = reached.reason.value if reached.reason else "denied"
            raise ConsentRequired("The patient's consent no longer covers this record.",
                                  reason=reason)
        viewer, rights = await facts_for(info.context, patient)
        readable = readable_sections(viewer, rights)
        for source, decision in readable:
            info.context.note_access(patient.id, source.section, Action.READ, decision)
        page = await change_page(patient.id, viewer, rights, [s for s, _ in readable],
                                 position, size)
        cursors = [encode_position(Position(change.id, change.occurred_at))
                   for change in page.changes]
        built = build_page([ChangeType.from_model(change) for change in page.changes], cursors,
                           page.has_next, page.total)
        # The end cursor is set even on an empty page: the client stores it and comes back.
        built.page_info.end_cursor = encode_position(page.end)
        return built
