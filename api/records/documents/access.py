"""Asking the policy about a patient's documents for the plain HTTP routes (download, form
upload), outside GraphQL, and writing those accesses to the access history.

The same facts loader and the same `decide` as GraphQL's `authorize`: only the way
a refusal is answered differs (an HTTP status instead of a GraphQL error). A download is
written to the history as a DOWNLOAD, a form upload as a DEPOSIT (a document brought in
outside GraphQL), in the transaction of the row it adds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api.audit.log import record_event
from api.audit.models import RequestKind
from api.consent.policy import Decision, ItemFacts, decide
from api.consent.rights import load_rights, load_viewer_facts
from api.consent.sections import Action, Basis, Section
from api.graphql.viewer import Viewer
from api.identity.models import Patient


async def decide_on_documents(
    viewer: Viewer, patient: Patient, action: Action, item: ItemFacts | None = None
) -> Decision:
    """May `viewer` do `action` on this patient's documents (or on the document `item`)?"""
    viewer_facts = await load_viewer_facts(viewer)
    rights = await load_rights(viewer, patient)
    return decide(viewer_facts, rights, Section.DOCUMENTS, action, item)


async def record_access(
    viewer: Viewer, patient_id: int, action: Action, decision: Decision,
    request_kind: RequestKind, connection: BaseDBAsyncClient | None = None,
) -> None:
    """The one call site where the HTTP routes write an allowed access to the history.

    Nothing is written for the patient's own access. GraphQL reports its accesses through
    `Context.note_access` instead.
    """
    if decision.basis is None:  # pragma: no cover - an allowed decision always has one
        raise ValueError("only allowed accesses are recorded")
    # An app's access names the app, as GraphQL's do (api/audit/log.py).
    detail = viewer.app.name if viewer.app is not None and decision.basis is Basis.APP else ""
    await record_event(patient_id=patient_id, viewer_account_id=viewer.account_id,
                       basis=decision.basis, sections=(Section.DOCUMENTS,), actions=(action,),
                       request_kind=request_kind, detail=detail, connection=connection)


def recorded_transaction(viewer: Viewer, patient_id: int, action: Action, decision: Decision
                         ) -> Callable[[], AbstractAsyncContextManager[BaseDBAsyncClient]]:
    """Opens a transaction whose write commits, or rolls back, with its access event."""

    @asynccontextmanager
    async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
        async with in_transaction() as connection:
            yield connection
            await record_access(viewer, patient_id, action, decision, RequestKind.DEPOSIT,
                                connection)

    return transaction
