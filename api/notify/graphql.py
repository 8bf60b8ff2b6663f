"""GraphQL: the viewer's choice of e-mail alerts (`mailAlerts`, `setMailAlerts`)."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.consent.models import NotificationKind
from api.consent.sections import Refusal
from api.consent.types import NotificationKindEnum
from api.graphql.common import UserError
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired
from api.identity.models import Account
from api.notify.preferences import kinds_for_role, mail_kinds, set_mail_kinds
from api.texts import N_, text

NOT_OFFERED = N_("These alerts do not apply to this kind of account: {kinds}.")


@strawberry.type(description="Which notifications the viewer also receives by e-mail. The "
                 "e-mail says only what kind of thing happened (no name, no health detail); "
                 "the notification itself is read after signing in.")
class MailAlerts:
    kinds: list[NotificationKindEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The kinds sent by e-mail (none until the viewer opts in).")
    offered: list[NotificationKindEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The kinds this account can receive.")
    address: str | None = strawberry.field(description="Where they go; none: nothing is sent.")


@strawberry.type
class MailAlertsPayload:
    mail_alerts: MailAlerts | None
    user_errors: list[UserError]


def _viewer_account(info: Info) -> Account:
    viewer = info.context.require_viewer()
    if info.context.app is not None:
        raise ConsentRequired("An app cannot read or change the person's e-mail alerts.",
                              reason=Refusal.SCOPE_MISSING.value)
    return viewer.account


async def _alerts(account: Account) -> MailAlerts:
    offered = kinds_for_role(account.role)
    chosen = await mail_kinds(account.id)
    return MailAlerts(kinds=[k for k in offered if k in chosen], offered=list(offered),
                      address=account.email)


@strawberry.type
class NotifyQuery:
    @strawberry.field(description="The viewer's choice of e-mail alerts.")
    async def mail_alerts(self, info: Info) -> MailAlerts | None:
        return await _alerts(_viewer_account(info))


@strawberry.type
class NotifyMutation:
    @strawberry.mutation(description="Choose which notifications also come by e-mail (an "
                         "empty list: none). A kind this account cannot receive is a user "
                         "error (NOT_OFFERED) and nothing changes.")
    async def set_mail_alerts(
        self, info: Info, kinds: list[NotificationKindEnum]  # type: ignore[valid-type]
    ) -> MailAlertsPayload | None:
        account = _viewer_account(info)
        wanted = [NotificationKind(kind) for kind in kinds]
        offered = kinds_for_role(account.role)
        refused = [kind for kind in wanted if kind not in offered]
        if refused:
            message = text(info.context.language, NOT_OFFERED,
                           kinds=", ".join(k.name for k in refused))
            return MailAlertsPayload(mail_alerts=None, user_errors=[
                UserError(field="kinds", code="NOT_OFFERED", message=message)])
        await set_mail_kinds(account, wanted)
        return MailAlertsPayload(mail_alerts=await _alerts(account), user_errors=[])
