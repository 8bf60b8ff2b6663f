"""Which notifications an account wants by e-mail (none unless it opted in)."""

from __future__ import annotations

from collections.abc import Iterable

from api import clock
from api.consent.models import NotificationKind
from api.identity.models import Account, Role
from api.notify.models import MailPreference

# The kinds that can reach a professional's account: the treating doctor is told of an
# emergency access; a patient's reply comes as a message.
PROFESSIONAL_KINDS = (NotificationKind.EMERGENCY_ACCESS, NotificationKind.NEW_MESSAGE)
SEPARATOR = ","


def kinds_for_role(role: Role) -> tuple[NotificationKind, ...]:
    """The kinds worth offering to this kind of account, in a stable order."""
    if role is Role.PROFESSIONAL:
        return PROFESSIONAL_KINDS
    return tuple(NotificationKind)


def decode(text: str) -> frozenset[NotificationKind]:
    known = {kind.value for kind in NotificationKind}
    return frozenset(NotificationKind(p) for p in text.split(SEPARATOR) if p in known)


async def mail_kinds(account_id: int) -> frozenset[NotificationKind]:
    preference = await MailPreference.filter(account_id=account_id).first()
    return decode(preference.kinds) if preference else frozenset()


async def set_mail_kinds(account: Account, kinds: Iterable[NotificationKind]
                         ) -> frozenset[NotificationKind]:
    """Keep the kinds this account may receive; the others are ignored. Returns the choice."""
    offered = kinds_for_role(account.role)
    chosen = frozenset(kind for kind in kinds if kind in offered)
    text = SEPARATOR.join(kind.value for kind in offered if kind in chosen)
    await MailPreference.update_or_create(
        defaults={"kinds": text, "updated_at": clock.now()}, account_id=account.id)
    return chosen


async def preferences_of(account_ids: Iterable[int]) -> dict[int, frozenset[NotificationKind]]:
    ids = list(set(account_ids))
    rows = await MailPreference.filter(account_id__in=ids) if ids else []
    return {row.account_id: decode(row.kinds) for row in rows}
