"""Throttled attempts: claim an attempt atomically before checking anything slow or guessable.

A claim counts the attempt as a failure and, once the free attempts are used, locks the key,
in one conditional UPDATE made while the row is locked for update; a claim on a locked key is
refused without touching it. Parallel attempts therefore cannot all slip through between
"is it locked?" and "count the failure": at most `free` of them get past the lock. An
attempt that succeeds gives its claim back (`release`) or clears the key (`clear`).

Keys are keyed hashes of what the person typed (scope + normalised e-mail or NIR), so an
unknown address is throttled exactly like a known one, and the table never holds the e-mail
or the NIR itself. The rows live in the database: every process sees the same count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from api import clock
from api.identity.models import AttemptThrottle
from api.identity.tokens import digest

# The counter stops here so that it never overflows its column, whatever the attack lasts.
MAX_COUNTED = 1_000_000
# Claims that keep losing the race to other claims on the same key give up as throttled.
MAX_CLAIM_ROUNDS = 20


@dataclass(frozen=True)
class Policy:
    """`free` failures without a wait, then `first_delay` doubling up to `max_delay`.

    A key left alone for `forget_after` starts again from zero.
    """

    free: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta

    @property
    def max_exponent(self) -> int:
        # The first power of two that reaches max_delay: a larger exponent cannot change the
        # delay, so none is ever computed (no overflow however many failures are counted).
        return (self.max_delay // self.first_delay).bit_length()


# Per address, NIR or account: what one person may get wrong.
PERSONAL = Policy(free=5, first_delay=timedelta(seconds=30), max_delay=timedelta(hours=1),
                  forget_after=timedelta(days=1))
# Per client network: high enough for a clinic's staff behind one address, low enough to
# slow a script trying address after address.
NETWORK = Policy(free=50, first_delay=timedelta(seconds=10), max_delay=timedelta(minutes=5),
                 forget_after=timedelta(minutes=15))
FREE_ATTEMPTS = PERSONAL.free
# Rows untouched this long are deleted (the longest forget_after).
KEEP_ROWS = PERSONAL.forget_after


class Throttled(Exception):
    """The key is locked; `retry_after` is in whole seconds (at least 1)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


def delay_after(failures: int, policy: Policy = PERSONAL) -> timedelta:
    """No delay for the free attempts, then one that doubles with every failure, capped."""
    if failures < policy.free:
        return timedelta(0)
    exponent = min(failures - policy.free, policy.max_exponent)
    delay: timedelta = min(policy.first_delay * (2**exponent), policy.max_delay)
    return delay


def throttle_key(secret_key: str, scope: str, identifier: str) -> str:
    return digest(secret_key, identifier, f"throttle:{scope}")


def seconds_until(moment: datetime, until: datetime) -> int:
    return max(1, int((until - moment).total_seconds() + 0.999))


@dataclass(frozen=True)
class Claim:
    """One counted attempt: what the row held before it, to give the attempt back."""

    key: str
    failures_before: int
    failures_after: int


async def _ensure_row(key: str, moment: datetime) -> None:
    if await AttemptThrottle.exists(key_digest=key):
        return
    try:
        await AttemptThrottle.create(key_digest=key, last_attempt_at=moment)
    except IntegrityError:  # another attempt created it first
        return
    await forget_stale()  # a new key is the moment to drop the old ones


async def _try_claim(key: str, policy: Policy, moment: datetime) -> Claim | None:
    """One round: the claim, None when the row is missing or another claim won the race."""
    # The row is locked while it is read and written (PostgreSQL), so parallel claims on one
    # key queue up instead of racing; the count read is the count written over.
    async with in_transaction():
        row = await AttemptThrottle.filter(key_digest=key).select_for_update().first()
        if row is None:  # forgotten as stale by another request in the meantime
            return None
        if row.locked_until is not None and row.locked_until > moment:
            raise Throttled(seconds_until(moment, row.locked_until))
        stale = moment - row.last_attempt_at >= policy.forget_after
        after = 1 if stale else min(row.failures + 1, MAX_COUNTED)
        wait = delay_after(after, policy)
        # Compare-and-set as well: where rows cannot be locked for update (SQLite, which has
        # one writer anyway), only one of the claims that read this count wins.
        won = await AttemptThrottle.filter(
            Q(locked_until=None) | Q(locked_until__lte=moment),
            key_digest=key, failures=row.failures,
        ).update(
            failures=after,
            locked_until=moment + wait if wait else None,
            last_attempt_at=moment,
        )
    return Claim(key, 0 if stale else row.failures, after) if won else None


async def claim(key: str, policy: Policy = PERSONAL) -> Claim:
    """Count one attempt on this key, or raise Throttled while the key is locked."""
    for _ in range(MAX_CLAIM_ROUNDS):
        moment = clock.now()
        await _ensure_row(key, moment)
        claimed = await _try_claim(key, policy, moment)
        if claimed is not None:
            return claimed
    raise Throttled(seconds_until(clock.now(), clock.now() + policy.first_delay))


async def release(given: Claim) -> None:
    """The attempt was not a failure: give it back.

    When no attempt was counted since, the row goes back to what it was (any lock this claim
    set goes too); otherwise the count only loses one and later locks stand.
    """
    async with in_transaction():
        row = await AttemptThrottle.filter(key_digest=given.key).select_for_update().first()
        if row is None:
            return
        if row.failures == given.failures_after:
            await AttemptThrottle.filter(id=row.id, failures=given.failures_after).update(
                failures=given.failures_before, locked_until=None
            )
        elif row.failures > 0:
            await AttemptThrottle.filter(id=row.id, failures__gt=0).update(
                failures=F("failures") - 1
            )


async def clear(key: str) -> None:
    """The person proved who they are: the count starts again."""
    await AttemptThrottle.filter(key_digest=key).update(failures=0, locked_until=None)


async def forget_stale() -> int:
    """Delete keys nobody tried for a day (the table does not grow with every address tried)."""
    return await AttemptThrottle.filter(
        last_attempt_at__lt=clock.now() - KEEP_ROWS
    ).delete()
