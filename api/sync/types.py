"""GraphQL types of the change feed: ids and kinds of change only, never health data."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.consent.permissions import SectionEnum
from api.sync.feed import section_of
from api.sync.models import Change, ChangeKind

ChangeKindType = strawberry.enum(ChangeKind, name="ChangeKind",
                                 description="What happened to the item.")


@strawberry.type(name="Change", description="One item of the record was created, updated or "
                 "deleted. Fetch the item again (by its section and id) to see what it is now.")
class ChangeType:
    section: SectionEnum  # type: ignore[valid-type]
    item_id: strawberry.ID = strawberry.field(description="The id of the entry, measurement, "
                                              "document or directives in its section.")
    kind: ChangeKindType  # type: ignore[valid-type]
    changed_at: datetime

    @classmethod
    def from_model(cls, change: Change) -> ChangeType:
        return cls(section=section_of(change), item_id=strawberry.ID(str(change.item_id)),
                   kind=ChangeKind(change.kind), changed_at=change.occurred_at)
