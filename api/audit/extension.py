"""Writes the access history once per GraphQL request, after the operation has run."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from api.audit.log import record_accesses
from api.graphql.context import Context
from api.graphql.errors import CarnetError

log = logging.getLogger(__name__)


class AccessLogUnavailable(CarnetError):
    code = "ACCESS_LOG_UNAVAILABLE"


class AccessLogExtension(SchemaExtension):
    """One event per patient touched (owner accesses excepted), in one INSERT.

    Mutations write their events inside their own transaction (``audited_transaction``);
    what they wrote is marked in the context and not written twice. If the history cannot
    be written the response carries no data: nothing is shown that was not recorded.
    """

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if not isinstance(context, Context) or not context.accesses:
            return
        try:
            await record_accesses(context)
        except Exception as error:
            log.exception("could not write the access history")
            raise AccessLogUnavailable(
                "The access history could not be written, so nothing is shown. Try again."
            ) from error
