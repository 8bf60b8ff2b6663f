"""Closing, reopening, purging and deleting an account, through GraphQL, the pages and the
command line: who reads the record after each step, what the history and the mail say, and
that nothing of a deleted record is left in the database file, its WAL or the documents."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api import clock
from api.audit.models import AccessEvent
from api.dates import years_after
from api.identity.models import Account, AccountStatus, Guardianship, Patient
from api.identity.viewer import SESSION_COOKIE
from api.lifecycle.services import (
    LifecycleError,
    close_account,
    delete_account,
    purge_archives,
    reopen_account,
)
from api.mail.models import OutboxMail
from api.messaging.services import NewFile, send_message, start_conversation
from api.records.documents.models import Document
from api.records.documents.samples import pdf
from api.records.documents.storage import storage_for
from api.records.entries.models import Allergy, HistoryEntry, HistoryKind, HistoryStatus
from api.settings import Settings
from tests.consent.support import DESIGNATE, GRANT, OPEN_EMERGENCY, codes, pid, session, traits
from tests.factories import PASSWORD, make_patient, make_professional, sign_in
from tests.files import read_from_another_process
from tests.records.documents.helpers import make_document

NAME = "query($id: ID!) { patient(id: $id) { id allergies { totalCount } } }"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_closing_hides_the_record_from_every_professional(client, settings, db):
    patient = await make_patient()
    nurse, doctor = await make_professional("nurse"), await make_professional()
    urgentist = await make_professional("emergency_physician")
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                sections=["ALLERGIES"])
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    emergency = await session(client, settings, urgentist)
    opened = await emergency(OPEN_EMERGENCY, **traits(patient), reason="Found unconscious at home")
    assert opened["data"]["openEmergencyAccess"]["userErrors"] == []
    for who in (nurse, doctor, urgentist):
        body = await (await session(client, settings, who))(NAME, id=pid(patient))
        assert body["data"]["patient"]["id"] == pid(patient)

    account = await Account.get(id=patient.account_id)
    await close_account(settings, account)

    for who in (nurse, doctor, urgentist):
        body = await (await session(client, settings, who))(NAME, id=pid(patient))
        assert body["data"] == {"patient": None}
        assert codes(body) == ["NOT_FOUND"]
    again = await emergency(OPEN_EMERGENCY, **traits(patient), reason="Found unconscious at home")
    assert again["data"]["openEmergencyAccess"] is None
    assert codes(again) == ["NOT_FOUND"]
    listed = await (await session(client, settings, doctor))("{ patients { totalCount } }")
    assert listed["data"]["patients"]["totalCount"] == 0

    await reopen_account(settings, await Account.get(id=patient.account_id))
    mine = await (await session(client, settings, patient))(NAME, id=pid(patient))
    assert mine["data"]["patient"]["id"] == pid(patient)
    # The grant stays ended; the treating doctor's designation was kept.
    nurse_body = await (await session(client, settings, nurse))(NAME, id=pid(patient))
    assert codes(nurse_body) == ["CONSENT_REQUIRED"]
    doctor_body = await (await session(client, settings, doctor))(NAME, id=pid(patient))
    assert doctor_body["data"]["patient"]["id"] == pid(patient)


async def test_each_step_is_in_the_history_and_mailed(client, settings, db):
    patient = await make_patient(email="closing@test.invalid")
    account = await Account.get(id=patient.account_id)
    await close_account(settings, account)
    await reopen_account(settings, await Account.get(id=account.id), operator=True)
    events = await AccessEvent.filter(patient_id=patient.id).order_by("sequence")
    assert [(e.request_kind, e.basis.value) for e in events] == [
        ("record_closed", "owner"), ("record_reopened", "operator")]
    history = await (await session(client, settings, patient))(
        "query($id: ID!) { accessHistory(patientId: $id) { items { basis requestKind } } }",
        id=pid(patient))
    items = history["data"]["accessHistory"]["items"]
    assert {(i["basis"], i["requestKind"]) for i in items} == {
        ("OWNER", "RECORD_CLOSED"), ("OPERATOR", "RECORD_REOPENED")}
    mails = await OutboxMail.filter(recipient="closing@test.invalid").order_by("id")
    assert [m.subject for m in mails] == ["Carnet\u202f: votre compte est fermé",
                                          "Carnet\u202f: votre compte est de nouveau ouvert"]
    assert "TESTON" not in mails[0].body


async def test_the_purge_deletes_only_archives_over_ten_years(settings, db):
    old, recent = await make_patient(), await make_patient()
    with clock.frozen_at(NOW):
        await close_account(settings, await Account.get(id=old.account_id))
    with clock.frozen_at(NOW + timedelta(days=365)):
        await close_account(settings, await Account.get(id=recent.account_id))
    with clock.frozen_at(years_after(NOW, 10) + timedelta(days=1)):
        with pytest.raises(LifecycleError, match="archive_ended"):
            await reopen_account(settings, await Account.get(id=old.account_id))
        assert await purge_archives(settings) == 1
    assert not await Patient.filter(id=old.id).exists()
    assert not await Account.filter(id=old.account_id).exists()
    assert await Patient.filter(id=recent.id).exists()
    assert (await Account.get(id=recent.account_id)).status is AccountStatus.CLOSED


# What the patient and their doctor wrote to each other, and the reason an emergency
# physician gave: sealed from the start too, and the access history names the conversation
# and the emergency access by reference, never by their text.
MESSAGE_STRINGS = ["Zyxwvut-Subject-9", "Zyxwvut-Body-4", "Zyxwvut-Reply-2",
                   "Zyxwvut-Filename-6", "Zyxwvut-Attachment-bytes-8", "Zyxwvut-Reason-11"]
PATIENT_STRINGS = ["Zyxwvut-Birthname", "Qwertzy-Firstname", "Zyxwvut-Allergy-7",
                   "Zyxwvut-Note-text-3", "Zyxwvut-Document-bytes-5", *MESSAGE_STRINGS]
READ_CONVERSATION = """query($id: ID!) { conversation(id: $id) { subject
  messages { items { attachments { url } } } } }"""


def _files(settings: Settings) -> list[Path]:
    database = Path(settings.database_url.removeprefix("sqlite://"))
    found = [database, Path(f"{database}-wal")]
    documents = settings.var_dir / "documents"
    return [*found, *(p for p in documents.rglob("*") if p.is_file())]


def _read(path: Path) -> bytes:
    return read_from_another_process(path)


async def _chunks(content: bytes):  # type: ignore[no-untyped-def]
    yield content


async def _write_to_each_other(client: httpx.AsyncClient, settings: Settings,
                               patient: Patient) -> None:
    """A conversation with the patient's doctor: a subject, a message with an attachment,
    the patient's answer (which tells the doctor, naming the subject). The doctor reads it
    and downloads the attachment, and an emergency physician opens an emergency access with
    a reason: all of which the patient's access history shows."""
    doctor = await make_professional()
    attachment = pdf("Zyxwvut-Attachment-bytes-8", ["Zyxwvut-Attachment-bytes-8"])
    conversation = await start_conversation(
        storage_for(settings), patient=patient, professional=doctor,
        subject="Zyxwvut-Subject-9", body="Zyxwvut-Body-4",
        files=[NewFile("Zyxwvut-Filename-6.pdf", _chunks(attachment))])
    assert patient.account_id is not None
    await send_message(storage_for(settings), conversation=conversation, patient=patient,
                       author_account_id=patient.account_id, body="Zyxwvut-Reply-2")
    pro = await session(client, settings, doctor)
    read = await pro(READ_CONVERSATION, id=str(conversation.id))
    assert read["data"]["conversation"]["subject"] == "Zyxwvut-Subject-9", read
    [url] = [a["url"] for m in read["data"]["conversation"]["messages"]["items"]
             for a in m["attachments"]]
    client.cookies.set(SESSION_COOKIE, pro.token)  # the download, in the doctor's session
    assert (await client.get(url)).content == attachment
    urgentist = await session(client, settings, await make_professional("emergency_physician"))
    opened = await urgentist(OPEN_EMERGENCY, **traits(patient), reason="Zyxwvut-Reason-11")
    assert opened["data"]["openEmergencyAccess"]["userErrors"] == [], opened
    kinds = await AccessEvent.filter(patient_id=patient.id).values_list("request_kind",
                                                                        flat=True)
    assert kinds.count("messages") == 2 and kinds.count("emergency_open") == 1, kinds


async def test_deleting_leaves_no_byte_of_the_record(client, settings, db):
    if not settings.is_sqlite:
        pytest.skip("the byte search reads the SQLite file and its WAL; PostgreSQL keeps "
                    "deleted tuples until VACUUM (docs/security.md)")
    patient = await make_patient(email="leaving@test.invalid", birth_name="Zyxwvut-Birthname",
                                 first_names="Qwertzy-Firstname")
    moment = clock.now()
    provenance = {"created_at": moment, "updated_at": moment,
                  "created_by_id": patient.account_id, "updated_by_id": patient.account_id}
    await Allergy.create(patient_id=patient.id, substance="Zyxwvut-Allergy-7", **provenance)
    await HistoryEntry.create(patient_id=patient.id, kind=HistoryKind.CONDITION,
                              status=HistoryStatus.ACTIVE, text="Asthma",
                              note="Zyxwvut-Note-text-3", **provenance)
    content = b"%PDF-1.4 Zyxwvut-Document-bytes-5 " + b"x" * 5000

    async def chunks():  # type: ignore[no-untyped-def]
        yield content

    key = await storage_for(settings).put(chunks())
    document = await make_document(patient, size_bytes=len(content))
    await Document.filter(id=document.id).update(storage_key=key)
    await _write_to_each_other(client, settings, patient)
    with_data = b"".join(_read(path) for path in _files(settings))
    # The search does see the rows while they exist: the names stay in clear (the directory
    # of patients finds people by them); the record's text and the messages are sealed from
    # the start.
    assert b"Zyxwvut-Birthname" in with_data
    for needle in ("Zyxwvut-Allergy-7", *MESSAGE_STRINGS):
        assert needle.encode() not in with_data, needle

    csrf = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    page = await client.get("/account")
    assert "Delete my record for good" in page.text or "Supprimer" in page.text
    refused = await client.post("/account/delete", data={
        "csrf_token": csrf, "confirm_word": "delete", "delete_password": PASSWORD})
    assert refused.status_code == 400
    assert await Patient.filter(id=patient.id).exists()
    done = await client.post("/account/delete", data={
        "csrf_token": csrf, "confirm_word": "SUPPRIMER", "delete_password": PASSWORD})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/signin?notice=account_deleted"

    assert not await Patient.filter(id=patient.id).exists()
    assert not await Account.filter(email="leaving@test.invalid").exists()
    for path in _files(settings):
        data = _read(path)
        for needle in PATIENT_STRINGS:
            assert needle.encode() not in data, (needle, path.name)
    [last] = await OutboxMail.filter(recipient="leaving@test.invalid")
    assert last.subject == "Carnet\u202f: votre dossier a été supprimé"


async def test_the_pages_close_and_reopen(client, settings, db):
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    closed = await client.post("/account/close", data={"csrf_token": csrf})
    assert closed.headers["location"] == "/signin?notice=account_closed"
    assert (await Account.get(id=account.id)).status is AccountStatus.CLOSED
    # Signed in again, the closed account reaches only the page that reopens it.
    csrf = await sign_in(client, account, settings.secret_key)
    home = await client.get("/patient")
    assert (home.status_code, home.headers["location"]) == (303, "/account/closed")
    page = await client.get("/account/closed")
    assert "<h1>" in page.text and 'action="/account/reopen"' in page.text
    reopened = await client.post("/account/reopen", data={"csrf_token": csrf})
    assert reopened.headers["location"] == "/account?notice=account_reopened"
    assert (await Account.get(id=account.id)).status is AccountStatus.ACTIVE
    assert (await client.get("/patient")).status_code == 200


def _carnet(settings: Settings, *args: str,
            command: str = "accounts") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "api.cli", command, *args], env=env,
                          capture_output=True, text=True, timeout=60)


async def test_the_command_line_closes_reopens_and_deletes(settings, db):
    patient = await make_patient(email="operated@test.invalid")
    ins = patient.ins_nir + patient.ins_key

    closed = _carnet(settings, "close", "--ins", ins)
    assert closed.returncode == 0, closed.stderr
    assert "closed" in closed.stdout
    assert (await Account.get(id=patient.account_id)).status is AccountStatus.CLOSED
    twice = _carnet(settings, "close", "--ins", ins)
    assert twice.returncode == 1 and "not active" in twice.stderr

    reopened = _carnet(settings, "reopen", "--ins", ins)
    assert reopened.returncode == 0, reopened.stderr
    assert (await Account.get(id=patient.account_id)).status is AccountStatus.ACTIVE
    events = await AccessEvent.filter(patient_id=patient.id).order_by("sequence")
    assert [(e.request_kind, e.basis.value) for e in events] == [
        ("record_closed", "operator"), ("record_reopened", "operator")]

    unconfirmed = _carnet(settings, "delete", "--ins", ins)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert await Patient.filter(id=patient.id).exists()
    deleted = _carnet(settings, "delete", "--ins", ins, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert "deleted" in deleted.stdout
    assert not await Patient.filter(id=patient.id).exists()
    assert not await Account.filter(id=patient.account_id).exists()
    # The register of chains tells a deleted record from an erased history: all is well.
    verified = _carnet(settings, "verify", command="audit")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    subjects = [m.subject for m in await OutboxMail.filter(
        recipient="operated@test.invalid").order_by("id")]
    assert subjects[-1] == "Carnet\u202f: votre dossier a été supprimé"

    unknown = _carnet(settings, "reopen", "--ins", ins)
    assert unknown.returncode == 1 and "no patient account with this INS" in unknown.stderr
    malformed = _carnet(settings, "close", "--ins", "123")
    assert malformed.returncode == 2 and "error:" in malformed.stderr


async def test_the_only_parent_of_a_child_cannot_be_deleted(client, settings, db):
    parent = await make_patient(email="parent@test.invalid")
    parent_account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Zoé", birth_name="ENFANT",
                               guardian=parent_account)
    csrf = await sign_in(client, parent_account, settings.secret_key)
    page = await client.get("/account")
    assert "Zoé ENFANT" in page.text and 'id="delete-blocked"' in page.text
    assert 'action="/account/delete"' not in page.text
    refused = await client.post("/account/delete", data={
        "csrf_token": csrf, "confirm_word": "SUPPRIMER", "delete_password": PASSWORD})
    assert refused.status_code == 409
    assert "seul parent" in refused.text
    assert await Patient.filter(id=parent.id).exists()
    command = _carnet(settings, "delete", "--ins", parent.ins_nir + parent.ins_key, "--yes")
    assert command.returncode == 1 and "only guardian" in command.stderr
    assert await Patient.filter(id=parent.id).exists()

    # Nor does the purge delete it: the archive waits for an operator.
    with clock.frozen_at(NOW):
        await close_account(settings, parent_account)
    with clock.frozen_at(years_after(NOW, 10) + timedelta(days=1)):
        assert await purge_archives(settings) == 0
    assert await Patient.filter(id=parent.id).exists()

    # With a second parent the first can go: the child's record stays with the other.
    other = await make_patient()
    await Guardianship.create(guardian_id=other.account_id, patient_id=child.id)
    await delete_account(settings, await Account.get(id=parent.account_id))
    assert not await Patient.filter(id=parent.id).exists()
    assert await Patient.filter(id=child.id).exists()
    assert await Guardianship.filter(patient_id=child.id).values_list(
        "guardian_id", flat=True) == [other.account_id]


async def test_the_history_page_words_closing_and_reopening(client, settings, db):
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    await close_account(settings, account)
    await reopen_account(settings, await Account.get(id=account.id), operator=True)
    await sign_in(client, account, settings.secret_key)
    page = await client.get(f"/records/{patient.id}/access-history")
    assert page.status_code == 200
    assert "a fermé le compte\u202f: le dossier a été archivé" in page.text
    assert "a rouvert le compte\u202f: le dossier est de nouveau utilisé" in page.text
    assert "votre propre compte" in page.text
