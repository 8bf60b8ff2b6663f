"""Secure messaging, the patient's side: a record's conversations and one thread, where the
patient (or a parent) answers with attachments and files an attachment into the documents.

The reply form posts multipart to /messages/{id}/reply (its own body cap, like uploads); the
professional's thread page posts there too. Every form works without JavaScript (POST, then
303 back to the thread); htmx swaps the thread in place.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity.models import Role
from api.ids import id_or_none
from web import graphql_client
from web.forms import form_handler, see_other
from web.guards import signed_in
from web.i18n import translations
from web.messages import N_
from web.patient.consent_words import Words
from web.patient.documents import file_size
from web.patient.frame import load_frame, record_form, record_page, record_url, refusal
from web.templating import language_of, render

Frame = dict[str, Any]
CONVERSATIONS_PER_PAGE = 20
MESSAGES_PER_PAGE = 50
BODY_MAX = 10_000
NOTICES = {
    "sent": N_("Your message is sent."),
    "filed": N_("The file is now in the documents of the record."),
}
# Form fields by the API's field names.
FORM_FIELDS = {"body": "body", "attachments": "attachment", "conversationId": "body",
               "attachmentId": "attachment"}


def thread_url(patient_id: str | int, conversation_id: str | int, **params: str) -> str:
    url = f"{record_url(patient_id, 'messages')}/{conversation_id}"
    query = urlencode({key: value for key, value in params.items() if value})
    return url + ("?" + query if query else "")


def notice_of(request: Request, done: str | None = None) -> str | None:
    key = done or request.query_params.get("done", "")
    return translations(language_of(request)).gettext(NOTICES[key]) if key in NOTICES else None


def present_messages(items: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [{**item, "paragraphs": [p for p in item["body"].split("\n\n")],
             "attachments": [{**a, "size_text": file_size(a["sizeBytes"], language)}
                             for a in item["attachments"]]}
            for item in items]


async def load_thread(request: Request, conversation_id: str, after: str | None = None
                      ) -> tuple[dict[str, Any] | None, Response | None]:
    """The conversation with a page of its messages, marked read; or the refusal page."""
    if id_or_none(conversation_id) is None:
        return None, render(request, "error.html", {"status": 404}, status_code=404)
    data, errors = await graphql_client.run(request, "ConversationThread", {
        "id": conversation_id, "first": MESSAGES_PER_PAGE, "after": after})
    if errors or not data.get("conversation"):
        return None, refusal(request, errors)
    conversation: dict[str, Any] = data["conversation"]
    if conversation["unreadCount"]:
        await graphql_client.query(request, "MarkConversationRead", {"id": conversation_id})
    return conversation, None


def thread_context(request: Request, conversation: dict[str, Any], *,
                   errors: dict[str, str] | None = None, body: str = "",
                   notice: str | None = None) -> dict[str, Any]:
    language = language_of(request)
    messages = conversation["messages"]
    return {
        "conversation": conversation, "words": Words(language),
        "messages": present_messages(messages["items"], language),
        "more_url": thread_url(conversation["patient"]["id"], conversation["id"],
                               after=messages["pageInfo"]["endCursor"])
        if messages["pageInfo"]["hasNextPage"] else None,
        "errors": errors or {}, "body": body, "notice": notice or notice_of(request),
        "reply_url": f"/messages/{conversation['id']}/reply",
        "body_max": BODY_MAX,
    }


@record_page
async def conversations_page(request: Request, frame: Frame) -> Response:
    after = request.query_params.get("after") or None
    data, errors = await graphql_client.run(request, "RecordConversations", {
        "id": frame["patient_id"], "first": CONVERSATIONS_PER_PAGE, "after": after})
    if errors:
        if any((e.get("extensions") or {}).get("code") == "BAD_CURSOR" for e in errors):
            return see_other(record_url(frame["patient_id"], "messages"))
        return refusal(request, errors)
    listing = data["conversations"]
    context = {
        **frame, "current_section": "messages", "words": Words(language_of(request)),
        "conversations": listing,
        "next_url": record_url(frame["patient_id"], "messages") + "?" + urlencode(
            {"after": listing["pageInfo"]["endCursor"]})
        if listing["pageInfo"]["hasNextPage"] else None,
        "first_url": record_url(frame["patient_id"], "messages") if after else None,
    }
    return render(request, "patient/messages.html", context)


async def _thread(request: Request, frame: Frame, conversation_id: str, *,
                  errors: dict[str, str] | None = None, body: str = "",
                  notice: str | None = None, status_code: int = 200) -> Response:
    conversation, refused = await load_thread(request, conversation_id,
                                              request.query_params.get("after") or None)
    if refused is not None or conversation is None:
        return refused or refusal(request, [])
    if conversation["patient"]["id"] != frame["patient_id"]:
        return render(request, "error.html", {"status": 404}, status_code=404)
    context = {**frame, "current_section": "messages",
               **thread_context(request, conversation, errors=errors, body=body,
                                notice=notice)}
    return render(request, "patient/messages_thread.html", context, block="thread",
                  status_code=status_code)


@record_page
async def thread_page(request: Request, frame: Frame) -> Response:
    return await _thread(request, frame, str(request.path_params["conversation_id"]))


def field_errors(user_errors: list[dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in user_errors:
        errors.setdefault(FORM_FIELDS.get(error.get("field") or "", "body"), error["message"])
    return errors


@record_form
async def file_attachment(request: Request, frame: Frame, form: FormData) -> Response:
    conversation_id = str(request.path_params["conversation_id"])
    attachment_id = form.get("attachment_id")
    if not isinstance(attachment_id, str) or id_or_none(attachment_id) is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    data, errors = await graphql_client.run(request, "FileAttachment", {"id": attachment_id})
    if errors:
        return refusal(request, errors)
    problems = data["fileAttachmentIntoDocuments"]["userErrors"]
    if problems:
        return await _thread(request, frame, conversation_id, status_code=400,
                             errors={"attachment": problems[0]["message"]})
    if request.headers.get("HX-Request"):
        return await _thread(request, frame, conversation_id, notice=notice_of(request, "filed"))
    return see_other(thread_url(frame["patient_id"], conversation_id, done="filed"))


async def send_reply(request: Request, conversation_id: str, form: FormData
                     ) -> tuple[dict[str, Any] | None, dict[str, str], str, Response | None]:
    """Run sendMessage with the form: (payload, field errors, body typed, refusal page)."""
    body = form.get("body")
    body = body if isinstance(body, str) else ""
    uploads = [item for item in form.getlist("attachment")
               if isinstance(item, UploadFile) and (item.filename or item.size)]
    data, errors = await graphql_client.run(request, "SendMessage", {"input": {
        "conversationId": conversation_id, "body": body, "attachments": uploads or None}})
    if errors:
        return None, {}, body, refusal(request, errors)
    payload: dict[str, Any] = data["sendMessage"]
    return payload, field_errors(payload["userErrors"]), body, None


@form_handler
async def reply(request: Request, form: FormData) -> Response:
    """POST /messages/{id}/reply (multipart): the message, then 303 back to the thread."""
    conversation_id = str(request.path_params["conversation_id"])
    payload, problems, body, refused = await send_reply(request, conversation_id, form)
    if refused is not None or payload is None:
        return refused or refusal(request, [])
    if problems:
        frame = await load_frame(request, str(form.get("patient_id") or ""))
        if frame is None:
            return render(request, "error.html", {"status": 404}, status_code=404)
        return await _thread(request, frame, conversation_id, errors=problems, body=body,
                             status_code=400)
    patient_id = payload["conversation"]["patient"]["id"]
    return see_other(thread_url(patient_id, conversation_id, done="sent")
                     + f"#m-{payload['messageId']}")


routes = [
    Route("/records/{patient_id:int}/messages", conversations_page, methods=["GET"]),
    Route("/records/{patient_id:int}/messages/{conversation_id:int}", thread_page,
          methods=["GET"]),
    Route("/records/{patient_id:int}/messages/{conversation_id:int}/file", file_attachment,
          methods=["POST"]),
    Route("/messages/{conversation_id:int}/reply", signed_in(Role.PATIENT)(reply),
          methods=["POST"]),
]
