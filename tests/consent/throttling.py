"""How many patient lookups an account has missed, as the throttle counts them."""

from __future__ import annotations

from api.consent.lookup import lookup_key
from api.identity.models import AttemptThrottle
from api.settings import Settings


async def lookup_misses(settings: Settings, account_id: int) -> int:
    row = await AttemptThrottle.get_or_none(key_digest=lookup_key(settings.secret_key,
                                                                  account_id))
    return 0 if row is None else row.failures
