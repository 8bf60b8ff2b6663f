"""Reading the development outbox."""

from __future__ import annotations

from api.mail.models import OutboxMail


async def recent_mails(limit: int = 50) -> list[OutboxMail]:
    return list(await OutboxMail.all().order_by("-id").limit(limit))
