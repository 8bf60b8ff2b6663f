"""The hash chain: what an event's hash covers, computed the same way when writing and checking.

hash = SHA-256 of a canonical serialisation (JSON, sorted keys, no spaces, fixed UTC datetime
format) of the event's content and the hash of the event before it. A patient's first event
chains from ``GENESIS_HASH``. Changing, removing or reordering an event breaks the chain;
removing the newest events does not, which is why the chain's end is kept apart in a sealed
head (heads.py, seal.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class EventContent:
    """Everything an event says; the stored row adds only its id, prev_hash and hash."""

    patient_id: int
    sequence: int
    occurred_at: datetime
    viewer_account_id: int
    viewer_professional_id: int | None
    viewer_name: str
    viewer_profession: str
    basis: str
    sections: str
    actions: str
    emergency: bool
    request_kind: str
    detail: str

    @classmethod
    def of(cls, row: Any) -> EventContent:
        """The content of a stored AccessEvent (or anything with the same attributes)."""
        return cls(
            patient_id=row.patient_id,
            sequence=row.sequence,
            occurred_at=row.occurred_at,
            viewer_account_id=row.viewer_account_id,
            viewer_professional_id=row.viewer_professional_id,
            viewer_name=row.viewer_name,
            viewer_profession=row.viewer_profession,
            basis=str(getattr(row.basis, "value", row.basis)),
            sections=row.sections,
            actions=row.actions,
            emergency=bool(row.emergency),
            request_kind=row.request_kind,
            detail=row.detail,
        )


def format_instant(moment: datetime) -> str:
    """UTC with microseconds, whatever the time zone the database gave back."""
    if moment.tzinfo is None:
        raise ValueError("access events need aware datetimes")
    return moment.astimezone(UTC).strftime(_DATETIME_FORMAT)


def canonical(content: EventContent, prev_hash: str) -> bytes:
    fields = asdict(content)
    fields["occurred_at"] = format_instant(content.occurred_at)
    fields["prev_hash"] = prev_hash
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(content: EventContent, prev_hash: str) -> str:
    return hashlib.sha256(canonical(content, prev_hash)).hexdigest()
