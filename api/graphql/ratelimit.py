"""Request rates per token and per client address, and cost budgets per app and person.

Counted with the `limits` library: in memory for one process, in Redis when
RATE_LIMIT_STORAGE names it, so that every server process sees the same counts.
If the storage cannot be reached the request goes through and the failure is logged:
a Redis outage must not take the record away from the people who need it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from limits.storage import storage_from_string

from api.settings import ApiLimits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """Over a limit: which one, and how long until it lets the client through again."""

    limit: str  # "token", "address" or "cost"
    retry_after: int

    @property
    def message(self) -> str:
        return f"Too many requests ({self.limit}); retry in {self.retry_after} s."


@dataclass(frozen=True)
class BudgetState:
    limit: int
    remaining: int
    retry_after: int


def _retry_after(reset_time: float) -> int:
    return max(1, math.ceil(reset_time - time.time()))


def async_storage_uri(uri: str) -> str:
    """`redis://…` and `memory://` as the `limits` asyncio storages name them."""
    return uri if uri.startswith("async+") else f"async+{uri}"


def token_key(raw: str | None) -> str | None:
    """A token's rate-limit key: a digest, so that no secret is kept in the storage."""
    if not raw:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class RateLimits:
    def __init__(self, settings: ApiLimits) -> None:
        uri = async_storage_uri(settings.storage)
        options: dict[str, float | str] = {}
        if "redis" in uri:
            # Short timeouts: an unreachable Redis must not hold every request up.
            options = {"implementation": "redispy", "key_prefix": settings.key_prefix,
                       "socket_connect_timeout": 1.0, "socket_timeout": 1.0}
        self.storage = storage_from_string(uri, **options)
        self.requests = MovingWindowRateLimiter(self.storage)
        self.budgets = FixedWindowRateLimiter(self.storage)
        self.per_token: RateLimitItem = parse(settings.per_token)
        self.per_address: RateLimitItem = parse(settings.per_address)
        self.cost_budget: RateLimitItem = parse(settings.cost_budget)

    async def check_request(self, token: str | None, address: str) -> Refusal | None:
        """Count one request for its address and token; the refusal when one is over."""
        checks = [(self.per_address, "address", address)]
        if token:
            checks.append((self.per_token, "token", token))
        for item, kind, key in checks:
            try:
                if await self.requests.hit(item, kind, key):
                    continue
                stats = await self.requests.get_window_stats(item, kind, key)
            except Exception as error:  # the storage is down: let the request through
                log.warning("rate-limit storage unreachable; %s limit not applied (%s)",
                            kind, error)
                continue
            return Refusal(kind, _retry_after(stats.reset_time))
        return None

    def budget(self, app: str | None, person: str) -> CostBudget:
        return CostBudget(self, app or "web", person)


@dataclass
class CostBudget:
    """The cost points one app may still spend for one person in the current window."""

    limits: RateLimits
    app: str
    person: str

    @property
    def _key(self) -> tuple[str, str, str]:
        return ("cost", self.app, self.person)

    async def state(self) -> BudgetState | None:
        item = self.limits.cost_budget
        try:
            stats = await self.limits.budgets.get_window_stats(item, *self._key)
        except Exception as error:
            log.warning("rate-limit storage unreachable; cost budget not applied (%s)", error)
            return None
        return BudgetState(item.amount, stats.remaining, _retry_after(stats.reset_time))

    async def charge(self, cost: int) -> BudgetState | None:
        if cost > 0:
            try:
                await self.limits.budgets.hit(self.limits.cost_budget, *self._key, cost=cost)
            except Exception as error:
                log.warning("rate-limit storage unreachable; cost not charged (%s)", error)
                return None
        return await self.state()
