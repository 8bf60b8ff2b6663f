"""GraphQL: choosing which notifications also come by e-mail (`setMailAlerts`)."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.consent.models import NotificationKind
from api.graphql.common import UserError
from api.graphql.context import Info
from api.notify.preferences import kinds_for_role, set_mail_kinds
from api.notify.types import MailAlertsPayload, alerts_account, alerts_of
from api.sharing.types import NotificationKindEnum
from api.texts import N_, text

NOT_OFFERED = N_("These alerts do not apply to this kind of account: {kinds}.")


@strawberry.type
class NotifyMutation:
    @strawberry.mutation(description="Choose which notifications also come by e-mail (an "
                         "empty list: none). A kind this account cannot receive is a user "
                         "error (NOT_OFFERED) and nothing changes.")
    async def set_mail_alerts(
        self, info: Info, kinds: list[NotificationKindEnum]  # type: ignore[valid-type]
    ) -> MailAlertsPayload | None:
        account = alerts_account(info)
        wanted = [NotificationKind(kind) for kind in kinds]
        offered = kinds_for_role(account.role)
        refused = [kind for kind in wanted if kind not in offered]
        if refused:
            message = text(info.context.language, NOT_OFFERED,
                           kinds=", ".join(k.name for k in refused))
            return MailAlertsPayload(mail_alerts=None, user_errors=[
                UserError(field="kinds", code="NOT_OFFERED", message=message)])
        await set_mail_kinds(account, wanted)
        return MailAlertsPayload(mail_alerts=await alerts_of(account), user_errors=[])
