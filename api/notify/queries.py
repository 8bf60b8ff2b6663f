"""GraphQL: the viewer's choice of e-mail alerts (`mailAlerts`)."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.notify.types import MailAlerts, alerts_account, alerts_of


@strawberry.type
class NotifyQuery:
    @strawberry.field(description="The viewer's choice of e-mail alerts.")
    async def mail_alerts(self, info: Info) -> MailAlerts | None:
        return await alerts_of(alerts_account(info))
