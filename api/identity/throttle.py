"""Throttled attempts: claim an attempt atomically before checking anything slow or guessable.

A claim counts the attempt as a failure and, from the fifth on, locks the key, in one
conditional UPDATE; a claim on a locked key is refused without touching it. Parallel
attempts therefore cannot all slip through between "is it locked?" and "count the failure":
at most `FREE_ATTEMPTS` of them get past the lock. An attempt that succeeds gives its claim
back (`release`) or clears the key (`clear`).

Keys are keyed hashes of what the person typed (scope + normalised e-mail or NIR), so an
unknown address is throttled exactly like a known one, and the table never holds the e-mail
or the NIR itself. The rows live in the database: every process sees the same count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from api import clock
from api.identity.models import AttemptThrottle
from api.identity.tokens import digest

FREE_ATTEMPTS = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
# 30 s × 2**7 is past the hour: a larger exponent cannot change the delay, so it is never used.
MAX_EXPONENT = 7
# The counter stops here so that it never overflows its column, whatever the attack lasts.
MAX_COUNTED = 1_000_000
# A key left alone this long starts again from zero.
FORGET_AFTER = timedelta(days=1)
# Claims that keep losing the race to other claims on the same key give up as throttled.
MAX_CLAIM_ROUNDS = 20


class Throttled(Exception):
    """The key is locked; `retry_after` is in whole seconds (at least 1)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


def delay_after(failures: int) -> timedelta:
    """No delay for the first attempts, then 30 s doubling with every failure, up to an hour."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    exponent = min(failures - FREE_ATTEMPTS, MAX_EXPONENT)
    delay: timedelta = min(FIRST_DELAY * (2**exponent), MAX_DELAY)
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


async def _row(key: str, moment: datetime) -> AttemptThrottle:
    row = await AttemptThrottle.filter(key_digest=key).first()
    if row is not None:
        return row
    try:
        created = await AttemptThrottle.create(key_digest=key, last_attempt_at=moment)
    except IntegrityError:  # another attempt created it first
        return await AttemptThrottle.get(key_digest=key)
    await forget_stale()  # a new key is the moment to drop the old ones
    return created


async def claim(key: str) -> Claim:
    """Count one attempt on this key, or raise Throttled while the key is locked."""
    for _ in range(MAX_CLAIM_ROUNDS):
        moment = clock.now()
        row = await _row(key, moment)
        if row.locked_until is not None and row.locked_until > moment:
            raise Throttled(seconds_until(moment, row.locked_until))
        stale = moment - row.last_attempt_at >= FORGET_AFTER
        after = 1 if stale else min(row.failures + 1, MAX_COUNTED)
        wait = delay_after(after)
        # Compare-and-set on the count read above: only one of the parallel claims that
        # read the same count wins; the others read again and find the key locked.
        won = await AttemptThrottle.filter(
            Q(locked_until=None) | Q(locked_until__lte=moment),
            key_digest=key, failures=row.failures,
        ).update(
            failures=after,
            locked_until=moment + wait if wait else None,
            last_attempt_at=moment,
        )
        if won:
            return Claim(key, 0 if stale else row.failures, after)
    raise Throttled(seconds_until(clock.now(), clock.now() + FIRST_DELAY))


async def release(given: Claim) -> None:
    """The attempt was not a failure: give it back, unless others were counted since."""
    await AttemptThrottle.filter(key_digest=given.key, failures=given.failures_after).update(
        failures=given.failures_before, locked_until=None
    )


async def clear(key: str) -> None:
    """The person proved who they are: the count starts again."""
    await AttemptThrottle.filter(key_digest=key).update(failures=0, locked_until=None)


async def forget_stale() -> int:
    """Delete keys nobody tried for a day (the table does not grow with every address tried)."""
    return await AttemptThrottle.filter(
        last_attempt_at__lt=clock.now() - FORGET_AFTER
    ).delete()
