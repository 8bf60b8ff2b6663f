"""Secure messaging pages, both sides, without JavaScript (plain forms) and with htmx."""

from __future__ import annotations

from api.consent.models import TreatingDoctor
from api.messaging.models import Conversation, Message
from api.records.documents.models import Document
from tests.factories import make_patient, make_professional
from tests.messaging.support import PDF_BYTES, designate
from tests.web.patient.sharing_support import HTMX, Person, person, text_of


async def _pair(client, settings):
    patient = await make_patient(first_names="Camille", birth_name="MARTIN")
    doctor = await make_professional(last_name="BERNARD")
    await designate(patient, doctor)
    return (await person(client, settings.secret_key, patient),
            await person(client, settings.secret_key, doctor), patient, doctor)


async def _start(pro: Person, patient, subject="Vos résultats", body="Bonjour Camille"):
    page = await pro.post("/pro/messages/new", {"patient_id": str(patient.id),
                                                "subject": subject, "body": body})
    assert page.status_code == 303, page.text
    return page.headers["location"].split("?")[0].rsplit("/", 1)[1]


async def _reply(who: Person, conversation_id: str, body: str, files=None, htmx=False,
                 patient_id: str = ""):
    who._use()
    data = {"csrf_token": who.csrf, "body": body, "patient_id": patient_id}
    return await who.client.post(
        f"/messages/{conversation_id}/reply", data=data,
        files=files or {"attachment": ("", b"", "application/octet-stream")},
        headers=HTMX if htmx else {})


async def test_the_patient_sees_unread_messages_then_reads_them(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    listing = await me.get(me.url("/messages"))
    assert listing.status_code == 200
    text = text_of(listing)
    assert "Messages 1 non lu" in text  # the section in the record's navigation
    assert "Vos résultats 1 non lu" in text and "Test BERNARD, médecin" in text
    thread = await me.get(me.url(f"/messages/{conversation_id}"))
    assert "Bonjour Camille" in text_of(thread)
    assert "non lu" not in text_of(await me.get(me.url("/messages")))


async def test_the_patient_answers_with_a_file_and_files_it_without_javascript(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    sent = await _reply(me, conversation_id, "Voici ma prise de sang.\n\nBonne journée",
                        {"attachment": ("prise-de-sang.pdf", PDF_BYTES, "application/pdf")},
                        patient_id=str(patient.id))
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(f"/records/{patient.id}/messages/"
                                               f"{conversation_id}?done=sent#m-")
    thread = await me.get(sent.headers["location"])
    text = text_of(thread)
    assert "Votre message est envoyé." in text
    assert "Voici ma prise de sang." in text and "prise-de-sang.pdf (PDF" in text
    attachment_id = thread.text.split('name="attachment_id" value="')[1].split('"')[0]
    filed = await me.post(me.url(f"/messages/{conversation_id}/file"),
                          {"attachment_id": attachment_id})
    assert filed.status_code == 303
    text = text_of(await me.get(filed.headers["location"]))
    assert "Le fichier est maintenant dans les documents du dossier." in text
    assert "dans les documents" in text and "Classer dans mes documents" not in text
    document = await Document.get(patient_id=patient.id)
    assert (document.title, document.created_by_id) == ("prise-de-sang", me.account.id)


async def test_a_refused_file_is_said_next_to_the_field_and_nothing_is_sent(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    refused = await _reply(me, conversation_id, "Voici",
                           {"attachment": ("photo.pdf", b"GIF89a....", "application/pdf")},
                           htmx=True, patient_id=str(patient.id))
    assert refused.status_code == 400
    assert ("Ce fichier n'est ni un PDF, ni une photo JPEG ou PNG : seuls ces formats sont "
            "acceptés." in text_of(refused))
    assert '<div id="thread"' in refused.text and "<html" not in refused.text
    assert await Message.all().count() == 1


async def test_a_closed_conversation_says_so_and_has_no_reply_form(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    thread = await pro.get(f"/pro/messages/{conversation_id}")
    assert "Clore la conversation" in text_of(thread)
    closed = await pro.post(f"/pro/messages/{conversation_id}/close")
    assert closed.status_code == 303
    assert await Conversation.filter(closed_at__isnull=False).count() == 1
    page = await me.get(me.url(f"/messages/{conversation_id}"))
    assert "a clos cette conversation : vous ne pouvez plus y répondre." in text_of(page)
    assert 'name="body"' not in page.text
    late = await _reply(me, conversation_id, "Encore moi", patient_id=str(patient.id))
    assert late.status_code == 400
    assert "Cette conversation est close" in text_of(late)


async def test_the_professional_sees_unread_conversations_first(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    first = await _start(pro, patient, subject="Premier sujet")
    await _start(pro, patient, subject="Second sujet")
    await _reply(me, first, "Réponse au premier", patient_id=str(patient.id))
    text = text_of(await pro.get("/pro/messages"))
    assert text.index("Premier sujet 1 non lu") < text.index("Conversations lues")
    assert text.index("Conversations lues") < text.index("Second sujet")
    page = await pro.get(f"/pro/messages/{first}")
    assert "Réponse au premier" in text_of(page)
    assert 'aria-current="page">Messages' in page.text  # the workspace navigation
    assert "Premier sujet 1 non lu" not in text_of(await pro.get("/pro/messages"))


async def test_a_professional_without_relation_gets_a_page_that_says_why(client, settings):
    patient = await make_patient()
    pro = await person(client, settings.secret_key, await make_professional())
    for target in (str(patient.id), "999999"):
        page = await pro.get(f"/pro/messages/new?patient={target}")
        assert page.status_code == 404
        assert "Vous ne pouvez pas écrire à ce patient" in text_of(page)
    refused = await pro.post("/pro/messages/new", {"patient_id": str(patient.id),
                                                   "subject": "Bonjour", "body": "Bonjour"})
    assert refused.status_code == 404 and await Conversation.all().count() == 0


async def test_the_new_conversation_form_checks_what_is_typed(client, settings):
    _, pro, patient, _ = await _pair(client, settings)
    form = await pro.get(f"/pro/messages/new?patient={patient.id}")
    assert "Écrire à Camille MARTIN" in text_of(form)
    empty = await pro.post("/pro/messages/new", {"patient_id": str(patient.id),
                                                 "subject": " ", "body": "Bonjour"})
    assert empty.status_code == 400
    assert "Donnez un objet à la conversation." in text_of(empty)
    assert await Conversation.all().count() == 0


async def test_the_access_history_names_the_professionals_reading(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient, subject="Suivi tension")
    await pro.get(f"/pro/messages/{conversation_id}")
    text = text_of(await me.get(me.url("/access-history")))
    assert "Test BERNARD , médecin a lu les messages de la conversation « Suivi tension »" in text
    assert "motif : messagerie sécurisée" in text


async def test_another_record_or_a_stranger_does_not_find_the_conversation(client, settings):
    me, pro, patient, _ = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    stranger = await person(client, settings.secret_key, await make_patient())
    assert (await stranger.get(stranger.url(f"/messages/{conversation_id}"))).status_code == 404
    assert (await stranger.get(me.url(f"/messages/{conversation_id}"))).status_code == 404
    other = await person(client, settings.secret_key, await make_professional())
    assert (await other.get(f"/pro/messages/{conversation_id}")).status_code == 404
    assert await TreatingDoctor.all().count() == 1


async def test_the_messages_of_a_professional_who_left_stay_readable(client, settings):
    me, pro, patient, doctor = await _pair(client, settings)
    conversation_id = await _start(pro, patient)
    await (await doctor.account).delete()
    listing = text_of(await me.get(me.url("/messages")))
    assert "Vos résultats" in listing and "un professionnel qui a quitté Carnet" in listing
    thread = text_of(await me.get(me.url(f"/messages/{conversation_id}")))
    assert "Entre un professionnel qui a quitté Carnet et Camille MARTIN" in thread
    assert "Bonjour Camille" in thread
