"""Operations and relations the messaging tests share."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from api import clock
from api.consent.models import Block, Grant, TreatingDoctor, encode_sections
from api.consent.sections import Section
from api.identity.models import Patient, Professional
from api.identity.viewer import SESSION_COOKIE
from api.records.documents.samples import pdf
from api.security import csrf as csrf_module
from tests.consent.support import Session

PDF_BYTES = pdf("Résultats", ["Bilan sanguin normal."])

CONVERSATION_FIELDS = """
  id subject closedAt unreadCount mayReply mayClose
  patient { id displayName } professional { id lastName profession }
"""
START = """
mutation Start($input: StartConversationInput!) {
  startConversation(input: $input) {
    conversation { FIELDS }
    userErrors { field code message }
  }
}
""".replace("FIELDS", CONVERSATION_FIELDS)
SEND = """
mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) {
    conversation { id unreadCount }
    messageId
    userErrors { field code message }
  }
}
"""
CLOSE = """mutation Close($id: ID!) { closeConversation(id: $id) {
  conversation { id closedAt mayReply mayClose } userErrors { code } } }"""
MARK_READ = """mutation Read($id: ID!) { markConversationRead(id: $id) {
  conversation { id unreadCount } userErrors { code } } }"""
READ = """
query Read($id: ID!) {
  conversation(id: $id) {
    FIELDS
    messages { totalCount items { id body fromProfessional fromMe authorName
      attachments { id filename contentType sizeBytes url filed filedDocumentId } } }
  }
}
""".replace("FIELDS", CONVERSATION_FIELDS)
RECORD_LIST = """query List($p: ID!) { conversations(patientId: $p) {
  totalCount items { id subject unreadCount } } unreadMessageCount(patientId: $p) }"""
MY_LIST = """query Mine($unread: Boolean) { myConversations(unread: $unread) {
  totalCount items { id subject unreadCount patient { displayName } } }
  unreadMessageCount }"""
FILE = """mutation File($id: ID!) { fileAttachmentIntoDocuments(attachmentId: $id) {
  document { id title typeCode contentType provenance { createdBy { name role } } }
  userErrors { field code message } } }"""
HISTORY = """query($p: ID!) { accessHistory(patientId: $p) {
  items { requestKind basis detail viewerName sections actions } } }"""


async def designate(patient: Patient, professional: Professional) -> None:
    await TreatingDoctor.create(patient=patient, professional=professional,
                                designated_at=clock.now())


async def grant(patient: Patient, professional: Professional, *, days: int = 30) -> None:
    now = clock.now()
    await Grant.create(patient=patient, professional=professional,
                       sections=encode_sections([Section.ALLERGIES]), write=False,
                       created_at=now - timedelta(days=60),
                       expires_at=now + timedelta(days=days))


async def block(patient: Patient, professional: Professional) -> None:
    await Block.create(patient=patient, professional=professional, created_at=clock.now())


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


async def start(pro: Session, patient: Patient, subject: str = "Vos résultats",
                body: str = "Bonjour,\nvos résultats sont arrivés.") -> dict[str, Any]:
    return await pro(START, input={"patientId": str(patient.id), "subject": subject,
                                   "body": body})


async def started(pro: Session, patient: Patient, **named: str) -> str:
    body = await start(pro, patient, **named)
    payload = body["data"]["startConversation"]
    assert payload["userErrors"] == [], payload
    return str(payload["conversation"]["id"])


async def send_with_files(who: Session, conversation_id: str, body: str,
                          files: list[tuple[str, bytes, str]]) -> dict[str, Any]:
    """sendMessage as a GraphQL multipart request with these files."""
    variables = {"input": {"conversationId": conversation_id, "body": body,
                           "attachments": [None] * len(files)}}
    who.client.cookies.set(SESSION_COOKIE, who.token)
    response = await who.client.post(
        "/graphql",
        data={"operations": json.dumps({"query": SEND, "variables": variables}),
              "map": json.dumps({str(i): [f"variables.input.attachments.{i}"]
                                 for i in range(len(files))})},
        files={str(i): file for i, file in enumerate(files)},
        headers={csrf_module.HEADER: who.csrf},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer
