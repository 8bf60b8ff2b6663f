"""Every kind of notification reads right, in French and English, on the patient's
overview; a professional (the treating doctor told of an emergency access) reads theirs on
the notifications page linked from the header."""

from __future__ import annotations

import pytest

from api import clock
from api.consent.models import Notification, NotificationKind
from api.settings import Settings
from tests.factories import make_patient, make_professional
from tests.web.patient.sharing_support import person, text_of

pytestmark = pytest.mark.db

AT = "2026-03-02T09:00:00+00:00"
# What each producer puts in the payload, and the sentence a person reads.
KINDS: dict[NotificationKind, tuple[dict[str, str], str, str]] = {
    NotificationKind.DOCUMENT_DEPOSITED: (
        {"professional": "Test LAMBERT", "profession": "physician"},
        "Test LAMBERT (médecin) a déposé un document dans le dossier de Alice TESTON.",
        "Test LAMBERT (doctor) deposited a document in Alice TESTON's record."),
    NotificationKind.EMERGENCY_ACCESS: (
        {"professional": "Test URGENCE", "profession": "emergency_physician",
         "reason": "Malaise à domicile", "opened_at": AT, "expires_at": AT},
        "Test URGENCE (médecin urgentiste) a ouvert un accès d'urgence au dossier de Alice "
        "TESTON le 02/03/2026 à 10:00",
        "Test URGENCE (emergency physician) opened emergency access to Alice TESTON's record "
        "on 2026-03-02 10:00"),
    NotificationKind.HELD_BACK_DOCUMENT: (
        {"professional": "Test LAMBERT", "until": AT},
        "Test LAMBERT a ajouté au dossier de Alice TESTON un document à vous présenter",
        "Test LAMBERT added a document to Alice TESTON's record that they want to go through"),
    NotificationKind.NEW_MESSAGE: (
        {"professional": "Test LAMBERT", "profession": "physician"},
        "Test LAMBERT (médecin) vous a écrit au sujet du dossier de Alice TESTON.",
        "Test LAMBERT (doctor) wrote to you about Alice TESTON's record."),
    NotificationKind.GRANT_ENDING: (
        {"professional": "Test LAMBERT", "profession": "physician", "until": AT},
        "L'accès de Test LAMBERT (médecin) au dossier de Alice TESTON prend fin le 02/03/2026",
        "Test LAMBERT (doctor)'s access to Alice TESTON's record ends on 2026-03-02 10:00."),
    NotificationKind.HELD_BACK_RELEASED: (
        {"professional": "Test LAMBERT", "document_id": "1"},
        "Le document que Test LAMBERT souhaitait vous présenter est maintenant visible",
        "The document Test LAMBERT wanted to go through with you is now visible"),
    NotificationKind.APP_CONNECTED: (
        {"app": "Pollen Diary", "opened_at": AT},
        "L'application « Pollen Diary » a été connectée au dossier de Alice TESTON le "
        "02/03/2026 à 10:00.",
        "The app “Pollen Diary” was connected to Alice TESTON's record on 2026-03-02 10:00."),
}


def test_every_kind_has_a_case_here() -> None:
    assert set(KINDS) == set(NotificationKind)


async def test_every_kind_reads_right_on_the_overview_in_french_and_english(
        client, settings: Settings):
    patient = await make_patient()
    owner = await person(client, settings.secret_key, patient)
    for kind, (payload, french, english) in KINDS.items():
        await Notification.create(patient_id=patient.id, recipient_id=patient.account_id,
                                  kind=kind, created_at=clock.now(),
                                  payload={"patient": "Alice TESTON", **payload})
        assert french in text_of(await owner.get(owner.url())), kind
        client.cookies.set("carnet_lang", "en")
        assert english in text_of(await owner.get(owner.url())), kind
        client.cookies.delete("carnet_lang")
        await Notification.filter(kind=kind).update(read_at=clock.now())


OPEN_EMERGENCY = """
mutation ($ins: String!, $birthDate: Date!) { openEmergencyAccess(ins: $ins,
  birthDate: $birthDate, reason: "Malaise à domicile, patiente inconsciente") {
  userErrors { code } } }
"""
DESIGNATE = """
mutation ($id: ID!, $pro: ID!) { designateTreatingDoctor(patientId: $id, professionalId: $pro) {
  userErrors { code } } }
"""


async def test_the_treating_doctor_reads_the_emergency_notice_on_the_notifications_page(
        client, settings: Settings):
    patient = await make_patient()
    doctor = await make_professional(last_name="LAMBERT")
    owner = await person(client, settings.secret_key, patient)
    await owner.ask(DESIGNATE, id=str(patient.id), pro=str(doctor.id))
    urgentist = await person(client, settings.secret_key,
                             await make_professional("emergency_physician", last_name="URGENCE"))
    await urgentist.ask(OPEN_EMERGENCY, ins=patient.ins_nir + patient.ins_key,
                        birthDate=patient.birth_date.isoformat())

    treating = await person(client, settings.secret_key, doctor)
    home = await treating.get("/pro")
    assert 'href="/notifications"' in home.text
    page = await treating.get("/notifications")
    assert page.status_code == 200
    words = text_of(page)
    assert "1 notification non lue." in words
    assert "Nouveau : Test URGENCE (médecin urgentiste) a ouvert un accès d'urgence au " \
           "dossier de Alice TESTON" in words
    assert "Motif donné : « Malaise à domicile, patiente inconsciente »" in words
    done = await treating.post("/notifications/read")
    assert (done.status_code, done.headers["location"]) == (303, "/notifications?done=read")
    after = text_of(await treating.get("/notifications?done=read"))
    assert "C'est fait : les notifications sont marquées comme lues." in after
    assert "Nouveau :" not in after and "0 notification non lue." in after
    client.cookies.set("carnet_lang", "en")
    assert "opened emergency access to Alice TESTON's record" in text_of(
        await treating.get("/notifications"))
    client.cookies.delete("carnet_lang")


async def test_the_notifications_page_needs_a_signed_in_person(client):
    assert (await client.get("/notifications")).status_code in (302, 303)
    assert (await client.post("/notifications/read")).status_code in (302, 303, 403)


async def test_someone_with_no_notification_is_told_so(client, settings: Settings):
    patient = await make_patient()
    owner = await person(client, settings.secret_key, patient)
    assert "Aucune notification pour l'instant." in text_of(await owner.get("/notifications"))
