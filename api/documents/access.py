"""The consent policy for the plain HTTP routes (download, form upload), outside GraphQL.

The same facts loader and the same `decide` as GraphQL's `authorize`: only the way
a refusal is answered differs (an HTTP status instead of a GraphQL error).
"""

from __future__ import annotations

from api.consent.policy import Decision, ItemFacts, decide
from api.consent.rights import load_rights, load_viewer_facts
from api.consent.sections import Action, Section
from api.identity.models import Patient
from api.identity.viewer import Viewer


async def decide_on_documents(
    viewer: Viewer, patient: Patient, action: Action, item: ItemFacts | None = None
) -> Decision:
    """May `viewer` do `action` on this patient's documents (or on the document `item`)?"""
    viewer_facts = await load_viewer_facts(viewer)
    rights = await load_rights(viewer, patient)
    return decide(viewer_facts, rights, Section.DOCUMENTS, action, item)


async def record_access(
    viewer: Viewer, patient_id: int, action: Action, decision: Decision
) -> None:
    """The one call site where the HTTP routes report an allowed access to a record.

    The access history (reads and writes by anyone but the patient) is written from
    here once it exists; GraphQL reports its accesses through `Context.note_access`.
    """
    return None
