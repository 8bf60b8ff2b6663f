"""Purging what sync no longer needs: expired idempotency keys, changes past retention.

There is no job queue yet: `carnet sync purge` runs it (schedule it daily, with cron or a
systemd timer); the feed and the keys stay correct whenever it runs, since an expired key
is replaced at its next use and an expired cursor is refused by its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api import clock
from api.sync.feed import CHANGE_RETENTION
from api.sync.models import Change, IdempotencyKey


@dataclass(frozen=True)
class Purged:
    keys: int
    changes: int


async def purge_sync(now: datetime | None = None) -> Purged:
    """Delete idempotency keys past their 24 hours and changes older than the retention."""
    moment = now or clock.now()
    keys = await IdempotencyKey.filter(expires_at__lte=moment).delete()
    changes = await Change.filter(occurred_at__lt=moment - CHANGE_RETENTION).delete()
    return Purged(keys=keys, changes=changes)
