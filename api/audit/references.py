"""References to a patient's free text in the access history, resolved when it is shown.

The history is hash-chained and append-only: nothing written there can be changed or
sealed afterwards, and a copy of a conversation's subject or of an emergency reason would
outlive the patient's data key. So an event names the row (``conversation:12``,
``emergency_access:34``) whose text is sealed under the patient's key, and the history
shows that text when it is read: gone with the row, or with the key.

Each kind of reference is registered by the package that owns its rows
(``register_reference_source``), as the sync feed's sources are: the history does not
import the domains that write to it. A page of events costs one statement per kind
(``ReferencedTextLoader``), plus the fetch of the patient's key when not cached.

An event written before references keeps its text (the chain covers it): a detail that
is not a reference of a kind registered for its request kind is shown as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from api.audit.models import RequestKind
from api.consent.models import EmergencyAccess
from api.identity.patient_keys import RecordUnreadable

CONVERSATION = "conversation"
EMERGENCY_ACCESS = "emergency_access"

# The texts of these rows of this patient, by row id; a row missing (deleted, or another
# patient's) is left out of the answer.
TextsOf = Callable[[int, Collection[int]], Awaitable[dict[int, str]]]


@dataclass(frozen=True)
class ReferenceSource:
    kind: str
    request_kinds: frozenset[RequestKind]  # the events whose detail may name this kind
    texts: TextsOf


_SOURCES: dict[str, ReferenceSource] = {}


def register_reference_source(source: ReferenceSource) -> None:
    _SOURCES[source.kind] = source


def reference(kind: str, row_id: int) -> str:
    """What an event's detail holds in place of the row's text."""
    return f"{kind}:{row_id}"


def parse_reference(request_kind: str, detail: str) -> tuple[str, int] | None:
    """(kind, row id) when `detail` is a reference an event of this kind may hold; None for
    any other detail (an app's name, an event written before references)."""
    kind, colon, number = detail.partition(":")
    source = _SOURCES.get(kind)
    if (not colon or source is None or request_kind not in source.request_kinds
            or not number.isascii() or not number.isdigit()):
        return None
    return kind, int(number)


# (patient id, kind, row id) -> the row's text, or None when it is gone or unreadable.
Key = tuple[int, str, int]


class ReferencedTextLoader(DataLoader[Key, str | None]):
    """The texts the events of this request name: one call per patient and kind."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[Key]) -> list[str | None]:
        wanted: dict[tuple[int, str], set[int]] = defaultdict(set)
        for patient_id, kind, row_id in keys:
            wanted[(patient_id, kind)].add(row_id)
        found: dict[Key, str] = {}
        for (patient_id, kind), row_ids in wanted.items():
            try:
                texts = await _SOURCES[kind].texts(patient_id, row_ids)
            except RecordUnreadable:  # the patient's key is gone: so is the text
                continue
            found.update({(patient_id, kind, row_id): text for row_id, text in texts.items()})
        return [found.get(key) for key in keys]


async def _emergency_reasons(patient_id: int, access_ids: Collection[int]) -> dict[int, str]:
    rows = await EmergencyAccess.filter(patient_id=patient_id, id__in=list(access_ids))
    return {row.id: row.reason for row in rows}


register_reference_source(ReferenceSource(
    EMERGENCY_ACCESS, frozenset({RequestKind.EMERGENCY_OPEN}), _emergency_reasons))
