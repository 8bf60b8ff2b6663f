"""Secure messaging through GraphQL: the policy's answers as a client sees them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api import clock
from api.consent.models import EmergencyAccess, Notification, NotificationKind
from api.consent.notifications import notification_text
from api.identity.models import Account, Role
from api.messaging.models import Attachment, Conversation, Message
from api.records.documents.models import Document
from api.records.documents.samples import pdf
from tests.consent.support import session
from tests.factories import make_account, make_patient, make_professional
from tests.messaging.support import (
    CLOSE,
    FILE,
    HISTORY,
    MARK_READ,
    MY_LIST,
    PDF_BYTES,
    READ,
    RECORD_LIST,
    SEND,
    block,
    codes,
    designate,
    grant,
    send_with_files,
    start,
    started,
)


async def test_a_patient_cannot_start_a_conversation(client, settings, db):
    patient = await make_patient()
    me = await session(client, settings, await Account.get(id=patient.account_id))
    body = await start(me, patient)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "CONSENT_REQUIRED"
    assert body["errors"][0]["extensions"]["reason"] == "not_a_professional"
    assert await Conversation.all().count() == 0


async def _relation(kind, patient, pro):
    if kind == "grant":
        await grant(patient, pro)
    elif kind == "treating doctor":
        await designate(patient, pro)
    elif kind == "deposit":
        await Document.create(patient=patient, title="Ordonnance", type_code="57833-6",
                              category="prescription", content_type="application/pdf",
                              size_bytes=10, sha256="0" * 64, storage_key="a" * 32,
                              document_date=date(2026, 1, 1), created_at=clock.now(),
                              updated_at=clock.now(), created_by_id=pro.account_id)
    elif kind == "emergency":
        now = clock.now()
        await EmergencyAccess.create(patient=patient, professional=pro, reason="Accident",
                                     opened_at=now - timedelta(days=1),
                                     expires_at=now - timedelta(days=1) + timedelta(hours=4))
    elif kind == "expired grant":
        await grant(patient, pro, days=-1)


@pytest.mark.parametrize(("kind", "profession", "allowed"), [
    ("grant", "nurse", True),
    ("treating doctor", "physician", True),
    ("deposit", "physician", True),
    ("emergency", "emergency_physician", True),
    ("expired grant", "nurse", False),
    ("nothing", "physician", False),
])
async def test_a_professional_starts_a_conversation_only_with_a_relation(
        client, settings, db, kind, profession, allowed):
    patient, pro = await make_patient(), await make_professional(profession)
    await _relation(kind, patient, pro)
    body = await start(await session(client, settings, pro), patient)
    if allowed:
        payload = body["data"]["startConversation"]
        assert payload["userErrors"] == []
        assert payload["conversation"]["subject"] == "Vos résultats"
        assert payload["conversation"]["mayClose"] is True
    else:
        assert codes(body) == ["CONSENT_REQUIRED" if kind == "expired grant" else "NOT_FOUND"]
        assert await Conversation.all().count() == 0


async def test_the_patient_replies_and_unread_counts_follow(client, settings, db):
    patient, doctor = await make_patient(), await make_professional(last_name="BERNARD")
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    conversation_id = await started(pro, patient)

    mine = await me(RECORD_LIST, p=str(patient.id))
    assert mine["data"]["unreadMessageCount"] == 1
    assert mine["data"]["conversations"]["items"][0]["unreadCount"] == 1

    reading = await me(READ, id=conversation_id)
    messages = reading["data"]["conversation"]["messages"]["items"]
    assert [(m["body"], m["fromProfessional"], m["fromMe"], m["authorName"])
            for m in messages] == [
        ("Bonjour,\nvos résultats sont arrivés.", True, False, "Test BERNARD")]
    read = await me(MARK_READ, id=conversation_id)
    assert read["data"]["markConversationRead"]["conversation"]["unreadCount"] == 0

    reply = await me(SEND, input={"conversationId": conversation_id, "body": "Merci docteur"})
    assert reply["data"]["sendMessage"]["userErrors"] == []
    assert (await me(RECORD_LIST, p=str(patient.id)))["data"]["unreadMessageCount"] == 0
    doctor_side = await pro(MY_LIST)
    assert doctor_side["data"]["unreadMessageCount"] == 1
    assert doctor_side["data"]["myConversations"]["items"][0]["unreadCount"] == 1
    assert (await pro(MY_LIST, unread=True))["data"]["myConversations"]["totalCount"] == 1
    assert (await pro(MY_LIST, unread=False))["data"]["myConversations"]["totalCount"] == 0


async def test_a_closed_conversation_refuses_replies_in_french_and_english(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    conversation_id = await started(pro, patient)

    refused = await me(CLOSE, id=conversation_id)
    assert codes(refused) == ["CONSENT_REQUIRED"]  # only the professional closes
    closed = (await pro(CLOSE, id=conversation_id))["data"]["closeConversation"]
    assert closed["conversation"]["closedAt"] and not closed["conversation"]["mayReply"]

    body = {"conversationId": conversation_id, "body": "Encore une question"}
    french = (await me(SEND, input=body))["data"]["sendMessage"]["userErrors"]
    assert [(e["code"], e["message"]) for e in french] == [(
        "CONVERSATION_CLOSED",
        "Cette conversation est close\u202f: le professionnel n'accepte plus de réponse.")]
    client.headers["accept-language"] = "en"
    english = (await pro(SEND, input=body))["data"]["sendMessage"]["userErrors"]
    assert english[0]["message"] == (
        "This conversation is closed: the professional no longer accepts replies.")
    assert await Message.all().count() == 1


async def test_an_unrelated_professional_gets_the_answer_of_a_missing_conversation(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient)
    other = await make_professional()
    await grant(patient, other)  # even with a grant on the record
    stranger = await session(client, settings, other)
    for query, variables in ((READ, {}), (MARK_READ, {}), (CLOSE, {})):
        seen = await stranger(query, id=conversation_id, **variables)
        missing = await stranger(query, id="999999", **variables)
        assert seen["errors"][0]["message"] == missing["errors"][0]["message"]
        assert seen["errors"][0]["extensions"] == missing["errors"][0]["extensions"] == {
            "code": "NOT_FOUND"}
    answer = await stranger(SEND, input={"conversationId": conversation_id, "body": "Bonjour"})
    assert codes(answer) == ["NOT_FOUND"]
    listed = await stranger(RECORD_LIST, p=str(patient.id))
    assert codes(listed)[0] == "NOT_FOUND"


async def test_a_blocked_professional_can_neither_start_nor_write_nor_read(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    conversation_id = await started(pro, patient)
    await block(patient, doctor)
    assert codes(await start(pro, patient)) == ["NOT_FOUND"]
    answer = await pro(SEND, input={"conversationId": conversation_id, "body": "Bonjour"})
    assert codes(answer) == ["NOT_FOUND"]
    assert codes(await pro(READ, id=conversation_id)) == ["NOT_FOUND"]
    assert (await pro(MY_LIST))["data"]["myConversations"]["totalCount"] == 0


async def test_a_parent_reads_and_answers_for_a_minor_not_after_18(client, settings, db):
    parent = await make_account(Role.PATIENT)
    born = clock.now().date() - timedelta(days=365 * 10)
    child = await make_patient(account=False, guardian=parent, first_names="Léa",
                               birth_date=born)
    doctor = await make_professional()
    await designate(child, doctor)
    conversation_id = await started(await session(client, settings, doctor), child)
    notified = await Notification.filter(kind=NotificationKind.NEW_MESSAGE).values_list(
        "recipient_id", flat=True)
    assert notified == [parent.id]
    mum = await session(client, settings, parent)
    assert (await mum(READ, id=conversation_id))["data"]["conversation"]["subject"]
    answer = await mum(SEND, input={"conversationId": conversation_id, "body": "Merci"})
    assert answer["data"]["sendMessage"]["userErrors"] == []
    history = (await mum(HISTORY, p=str(child.id)))["data"]["accessHistory"]["items"]
    assert [(e["requestKind"], e["basis"]) for e in history] == [("MESSAGES", "REPRESENTATIVE")]

    with clock.frozen_at(clock.now() + timedelta(days=365 * 9)):
        mum = await session(client, settings, parent)
        after = await mum(READ, id=conversation_id)
        assert codes(after) == ["CONSENT_REQUIRED"]
        assert after["errors"][0]["extensions"]["reason"] == "representative_ended"
        late = await mum(SEND, input={"conversationId": conversation_id, "body": "Merci"})
        assert codes(late) == ["CONSENT_REQUIRED"]


async def test_professional_reads_are_in_the_access_history_the_patients_are_not(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional(last_name="BERNARD")
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    conversation_id = await started(pro, patient, subject="Suivi de votre tension")
    await me(READ, id=conversation_id)
    assert (await me(HISTORY, p=str(patient.id)))["data"]["accessHistory"]["items"] == []
    await pro(READ, id=conversation_id)
    history = (await me(HISTORY, p=str(patient.id)))["data"]["accessHistory"]["items"]
    assert history == [{"requestKind": "MESSAGES", "basis": "CONVERSATION",
                        "detail": "Suivi de votre tension", "viewerName": "Test BERNARD",
                        "sections": [], "actions": ["READ"]}]


async def test_a_message_notifies_the_other_side_in_the_same_transaction(
        client, settings, db):
    patient, doctor = await make_patient(first_names="Camille"), await make_professional(
        last_name="BERNARD")
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient)
    rows = await Notification.filter(kind=NotificationKind.NEW_MESSAGE)
    assert [(n.recipient_id, n.payload) for n in rows] == [(patient.account_id, {
        "patient": "Camille TESTON", "professional": "Test BERNARD",
        "profession": "physician", "conversation_id": conversation_id})]
    me = await session(client, settings, await Account.get(id=patient.account_id))
    await me(SEND, input={"conversationId": conversation_id, "body": "Merci"})
    reply = await Notification.filter(kind=NotificationKind.NEW_MESSAGE,
                                      recipient_id=doctor.account_id).get()
    # The subject the notification quotes is sealed, out of the payload.
    assert reply.payload == {"patient": "Camille TESTON", "author": "Camille TESTON",
                             "conversation_id": conversation_id}
    assert reply.content() == {**reply.payload, "subject": "Vos résultats"}
    assert notification_text(reply, "fr") == (
        "Camille TESTON a répondu à votre message «\u202fVos résultats\u202f» (dossier de "
        "Camille TESTON).")
    assert notification_text(rows[0], "en") == (
        "Test BERNARD (doctor) wrote to you about Camille TESTON's record.")
    # A refused answer tells nobody.
    await me(SEND, input={"conversationId": conversation_id, "body": "  "})
    assert await Notification.filter(kind=NotificationKind.NEW_MESSAGE).count() == 2


async def test_attachments_are_checked_like_documents_and_nothing_is_kept_on_failure(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    storage_dir = settings.var_dir / "documents"
    before = sorted(storage_dir.rglob("*")) if storage_dir.exists() else []
    for files, code in (
        ([("vide.pdf", b"", "application/pdf")], "EMPTY_FILE"),
        ([("ok.pdf", PDF_BYTES, "application/pdf"),
          ("virus.pdf", b"MZ\x90\x00", "application/pdf")],
         "UNSUPPORTED_FILE_TYPE"),
        ([(f"f{i}.pdf", PDF_BYTES, "application/pdf") for i in range(6)],
         "TOO_MANY_ATTACHMENTS"),
    ):
        answer = await send_with_files(me, conversation_id, "Voici", files)
        assert [e["code"] for e in answer["data"]["sendMessage"]["userErrors"]] == [code]
    assert await Message.all().count() == 1 and await Attachment.all().count() == 0
    after = sorted(p for p in storage_dir.rglob("*") if p.is_file()) if storage_dir.exists() else []
    assert [p for p in after if p not in before] == []


async def test_the_patient_files_an_attachment_once_and_the_professional_cannot(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    pro = await session(client, settings, doctor)
    conversation_id = await started(pro, patient)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    sent = await send_with_files(me, conversation_id, "Ma prise de sang",
                                 [("prise de sang.pdf", PDF_BYTES, "application/pdf")])
    assert sent["data"]["sendMessage"]["userErrors"] == []
    read = await pro(READ, id=conversation_id)
    attachment = read["data"]["conversation"]["messages"]["items"][1]["attachments"][0]
    assert (attachment["filename"], attachment["contentType"], attachment["filed"]) == (
        "prise de sang.pdf", "application/pdf", False)
    downloaded = await client.get(attachment["url"])
    assert downloaded.status_code == 200 and downloaded.content == PDF_BYTES

    assert codes(await pro(FILE, id=attachment["id"])) == ["CONSENT_REQUIRED"]
    filed = (await me(FILE, id=attachment["id"]))["data"]["fileAttachmentIntoDocuments"]
    assert filed["userErrors"] == []
    assert filed["document"]["title"] == "prise de sang"
    assert filed["document"]["provenance"]["createdBy"]["role"] == "patient"
    again = (await me(FILE, id=attachment["id"]))["data"]["fileAttachmentIntoDocuments"]
    assert [e["code"] for e in again["userErrors"]] == ["ALREADY_FILED"]
    assert await Document.filter(patient_id=patient.id).count() == 1
    seen = (await me(READ, id=conversation_id))["data"]["conversation"]["messages"]["items"]
    assert seen[1]["attachments"][0]["filed"] is True


async def test_an_attachment_is_not_found_for_a_stranger(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    await send_with_files(me, conversation_id, "Voici",
                          [("a.pdf", pdf("A", ["a"]), "application/pdf")])
    attachment = await Attachment.get()
    await session(client, settings, await make_professional())
    assert (await client.get(f"/messages/attachments/{attachment.id}")).status_code == 404
    assert (await client.get("/messages/attachments/999999")).status_code == 404


async def test_the_patient_keeps_the_messages_of_a_professional_who_left(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient)
    await (await Account.get(id=doctor.account_id)).delete()
    me = await session(client, settings, await Account.get(id=patient.account_id))
    thread = (await me(READ, id=conversation_id))["data"]["conversation"]
    assert thread["professional"] is None and thread["mayClose"] is False
    assert [m["body"] for m in thread["messages"]["items"]] == [
        "Bonjour,\nvos résultats sont arrivés."]
    answer = await me(SEND, input={"conversationId": conversation_id, "body": "Merci"})
    assert answer["data"]["sendMessage"]["userErrors"] == []
