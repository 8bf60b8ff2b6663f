"""GraphQL types of the viewer's choice of e-mail alerts, and whose choice it is."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry

from api.consent.sections import Refusal
from api.graphql.common import UserError
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired
from api.identity.models import Account
from api.notify.preferences import kinds_for_role, mail_kinds
from api.sharing.types import NotificationKindEnum


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


def alerts_account(info: Info) -> Account:
    viewer = info.context.require_viewer()
    if info.context.app is not None:
        raise ConsentRequired("An app cannot read or change the person's e-mail alerts.",
                              reason=Refusal.SCOPE_MISSING.value)
    return viewer.account


async def alerts_of(account: Account) -> MailAlerts:
    offered = kinds_for_role(account.role)
    chosen = await mail_kinds(account.id)
    return MailAlerts(kinds=[k for k in offered if k in chosen], offered=list(offered),
                      address=account.email)
