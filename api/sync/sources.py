"""Which sections the change feed covers, and how each one's lists filter their items.

Each record domain registers its section here, with its items' table and the SQL condition
its own lists apply for a viewer (built from the consent policy): the feed then admits
exactly the items those lists show, without a copy of the rules. A section nobody
registered is not in the feed at all (deny by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from api.consent.facts import Rights, ViewerFacts
from api.consent.sections import Section

# The condition on the section's items for this viewer; None when the viewer sees them all.
ItemCondition = Callable[[ViewerFacts, Rights], Q | None]


def every_item(viewer: ViewerFacts, rights: Rights) -> Q | None:
    """For sections whose lists show every item to whoever may read the section."""
    return None


@dataclass(frozen=True)
class FeedSource:
    section: Section
    model: Any  # the Tortoise model of the section's items (with a `patient_id` column)
    items: ItemCondition = every_item


_SOURCES: dict[Section, FeedSource] = {}


def register_feed_source(source: FeedSource) -> None:
    _SOURCES[source.section] = source


def feed_sources() -> list[FeedSource]:
    """The registered sections, in the order of the Section vocabulary."""
    return [_SOURCES[section] for section in Section if section in _SOURCES]
