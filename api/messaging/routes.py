"""Downloading a message's attachment: the same policy as reading the conversation.

Anything the viewer may not read is simply not found; a read by anyone but the patient is
written to the access history, like reading the messages. The bytes are opened with the
patient's key as they stream out (api/records/documents/sealed_files.py): an erased record's
attachment is not found, one whose bytes do not open is gone (410), as for documents.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from api.audit.log import record_event
from api.audit.models import RequestKind
from api.consent.policy import may_read_conversation
from api.consent.rights import load_rights, load_viewer_facts
from api.consent.sections import Action, Basis
from api.graphql.common import is_number_text
from api.identity.patient_keys import RecordUnreadable
from api.identity.viewer import viewer_from_request
from api.messaging.access import (
    attachment_and_conversation,
    conversation_facts,
    conversation_reference,
)
from api.records.documents.content import content_disposition, download_filename
from api.records.documents.sealed_files import open_sealed
from api.records.documents.storage import storage_for
from api.settings import Settings

log = logging.getLogger(__name__)


async def download_attachment(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    viewer = await viewer_from_request(request, settings.secret_key)
    raw = request.path_params["attachment_id"]
    if viewer is None or not is_number_text(raw):
        raise HTTPException(404)
    try:
        found = await attachment_and_conversation(int(raw))
    except RecordUnreadable:
        # An erased record (its key destroyed) or an altered row: nothing the policy could
        # be asked about, so not found, as for anything else out of reach.
        found = None
    if found is None:
        raise HTTPException(404)
    attachment, conversation = found
    facts = await load_viewer_facts(viewer)
    rights = await load_rights(viewer, conversation.patient)
    decision = may_read_conversation(facts, rights, conversation_facts(conversation))
    if not decision.allowed or decision.basis is None:
        raise HTTPException(404)  # forbidden or unknown look the same
    storage = storage_for(settings)
    if not await storage.exists(attachment.storage_key):
        log.error("the file of attachment %s is missing from the storage", attachment.id)
        raise HTTPException(404)
    if decision.basis is not Basis.OWNER:
        await record_event(patient_id=conversation.patient_id,
                           viewer_account_id=viewer.account_id, basis=decision.basis,
                           sections=(), actions=(Action.READ,),
                           request_kind=RequestKind.MESSAGES,
                           detail=conversation_reference(conversation))
    name = download_filename(attachment.filename, "", attachment.content_type)
    try:
        content = await open_sealed(storage, attachment.patient_id, attachment.storage_key)
    except RecordUnreadable:
        log.error("the file of attachment %s does not open with its patient's key",
                  attachment.id)
        raise HTTPException(410, "This attachment can no longer be read.") from None
    return StreamingResponse(
        content, media_type=attachment.content_type,
        headers={
            "Content-Length": str(attachment.size_bytes),
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "sandbox",
        },
    )


routes: list[BaseRoute] = [
    Route("/messages/attachments/{attachment_id}", download_attachment, methods=["GET"]),
]
