"""Secure messaging, the professional's side: my conversations (unread first), one thread
with the reply form and the close button, and a new conversation with a patient.

A professional without a relation to the patient gets a page that says why instead of the
form: the API decides (``conversationRecipient``), the page only tells.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity.models import Role
from api.ids import id_or_none
from web import graphql_client
from web.forms import form_handler, see_other
from web.guards import signed_in
from web.patient.consent_words import Words
from web.patient.messages import (
    BODY_MAX,
    load_thread,
    send_reply,
    thread_context,
)
from web.templating import language_of, render

CONVERSATIONS_PER_PAGE = 20
SUBJECT_MAX = 200


def _codes(errors: list[dict[str, Any]]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in errors}


def _refused(request: Request, errors: list[dict[str, Any]]) -> Response:
    codes = _codes(errors)
    if not codes & {"NOT_FOUND", "BAD_ID", "CONSENT_REQUIRED"}:
        raise graphql_client.OperationError(errors)
    status = 403 if "CONSENT_REQUIRED" in codes else 404
    return render(request, "error.html", {"status": status}, status_code=status)


@signed_in(Role.PROFESSIONAL)
async def conversations_page(request: Request) -> Response:
    after = request.query_params.get("after") or None
    data, errors = await graphql_client.run(request, "ProConversations", {
        "first": CONVERSATIONS_PER_PAGE, "after": after})
    if errors:
        if "BAD_CURSOR" in _codes(errors):
            return see_other("/pro/messages")
        raise graphql_client.OperationError(errors)
    read = data["read"]
    context = {
        "pro_area": "messages", "words": Words(language_of(request)),
        "unread": data["unread"], "read": read,
        "next_url": "/pro/messages?" + urlencode({"after": read["pageInfo"]["endCursor"]})
        if read["pageInfo"]["hasNextPage"] else None,
        "first_url": "/pro/messages" if after else None,
    }
    return render(request, "pro/messages.html", context)


async def pro_thread(request: Request, conversation_id: str, *,
                     errors: dict[str, str] | None = None, body: str = "",
                     status_code: int = 200) -> Response:
    conversation, refused = await load_thread(request, conversation_id,
                                              request.query_params.get("after") or None)
    if refused is not None or conversation is None:
        return refused or render(request, "error.html", {"status": 404}, status_code=404)
    context = {"pro_area": "messages",
               **thread_context(request, conversation, errors=errors, body=body)}
    context["reply_url"] = f"/pro/messages/{conversation['id']}"
    return render(request, "pro/messages_thread.html", context, block="thread",
                  status_code=status_code)


@signed_in(Role.PROFESSIONAL)
async def thread_page(request: Request) -> Response:
    return await pro_thread(request, str(request.path_params["conversation_id"]))


@form_handler
async def reply(request: Request, form: FormData) -> Response:
    conversation_id = str(request.path_params["conversation_id"])
    payload, problems, body, refused = await send_reply(request, conversation_id, form)
    if refused is not None or payload is None:
        return refused or render(request, "error.html", {"status": 404}, status_code=404)
    if problems:
        return await pro_thread(request, conversation_id, errors=problems, body=body,
                                status_code=400)
    return see_other(f"/pro/messages/{conversation_id}?done=sent#m-{payload['messageId']}")


@form_handler
async def close(request: Request, form: FormData) -> Response:
    conversation_id = str(request.path_params["conversation_id"])
    _, errors = await graphql_client.run(request, "CloseConversation",
                                            {"id": conversation_id})
    if errors:
        return _refused(request, errors)
    if request.headers.get("HX-Request"):
        return await pro_thread(request, conversation_id)
    return see_other(f"/pro/messages/{conversation_id}")


async def _recipient(request: Request, patient_id: str) -> tuple[dict[str, Any] | None,
                                                                 Response | None]:
    """The patient when the viewer may write to them; else the page that says why."""
    if id_or_none(patient_id) is None:
        return None, render(request, "pro/messages_refused.html", {"pro_area": "messages"},
                            status_code=404)
    data, errors = await graphql_client.run(request, "ConversationRecipient",
                                            {"patientId": patient_id})
    if errors:
        codes = _codes(errors)
        if not codes & {"NOT_FOUND", "BAD_ID", "CONSENT_REQUIRED"}:
            raise graphql_client.OperationError(errors)
        status = 403 if "CONSENT_REQUIRED" in codes else 404
        return None, render(request, "pro/messages_refused.html", {"pro_area": "messages"},
                            status_code=status)
    recipient: dict[str, Any] = data["conversationRecipient"]
    return recipient, None


def _new_form(request: Request, recipient: dict[str, Any], *, values: dict[str, str],
              errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "pro/messages_new.html", {
        "pro_area": "messages", "recipient": recipient, "values": values, "errors": errors,
        "subject_max": SUBJECT_MAX, "body_max": BODY_MAX,
    }, status_code=status_code)


@signed_in(Role.PROFESSIONAL)
async def new_page(request: Request) -> Response:
    recipient, refused = await _recipient(request, request.query_params.get("patient", ""))
    if refused is not None or recipient is None:
        return refused or render(request, "error.html", {"status": 404}, status_code=404)
    return _new_form(request, recipient, values={"subject": "", "body": ""}, errors={})


@form_handler
async def start(request: Request, form: FormData) -> Response:
    patient_id = str(form.get("patient_id") or "")
    recipient, refused = await _recipient(request, patient_id)
    if refused is not None or recipient is None:
        return refused or render(request, "error.html", {"status": 404}, status_code=404)
    values = {name: str(form.get(name) or "") for name in ("subject", "body")}
    data, errors = await graphql_client.run(request, "StartConversation", {"input": {
        "patientId": patient_id, **values}})
    if errors:
        return _refused(request, errors)
    payload = data["startConversation"]
    if payload["userErrors"]:
        problems: dict[str, str] = {}
        for error in payload["userErrors"]:
            problems.setdefault(error.get("field") or "body", error["message"])
        return _new_form(request, recipient, values=values, errors=problems, status_code=400)
    return see_other(f"/pro/messages/{payload['conversation']['id']}?done=sent")


routes = [
    Route("/pro/messages", conversations_page, methods=["GET"]),
    Route("/pro/messages/new", new_page, methods=["GET"]),
    Route("/pro/messages/new", signed_in(Role.PROFESSIONAL)(start), methods=["POST"]),
    Route("/pro/messages/{conversation_id:int}", thread_page, methods=["GET"]),
    Route("/pro/messages/{conversation_id:int}", signed_in(Role.PROFESSIONAL)(reply),
          methods=["POST"]),
    Route("/pro/messages/{conversation_id:int}/close", signed_in(Role.PROFESSIONAL)(close),
          methods=["POST"]),
]
