"""Closing, reopening, purging and deleting an account, through GraphQL, the pages and the
command line: who reads the record after each step, what the history and the mail say, and
that nothing of a deleted record is left in the database file, its WAL or the documents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api import clock
from api.audit.models import AccessEvent
from api.dates import years_after
from api.identity.models import Account, AccountStatus, Patient
from api.lifecycle.services import (
    LifecycleError,
    close_account,
    purge_archives,
    reopen_account,
)
from api.mail.models import OutboxMail
from api.records.documents.models import Document
from api.records.documents.storage import storage_for
from api.records.entries.models import Allergy, HistoryEntry, HistoryKind, HistoryStatus
from api.settings import Settings
from tests.consent.support import DESIGNATE, GRANT, OPEN_EMERGENCY, codes, pid, session, traits
from tests.factories import PASSWORD, make_patient, make_professional, sign_in
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
        "query($id: ID!) { patient(id: $id) { accessHistory { items { basis requestKind } } } }",
        id=pid(patient))
    items = history["data"]["patient"]["accessHistory"]["items"]
    assert {(i["basis"], i["requestKind"]) for i in items} == {
        ("OWNER", "RECORD_CLOSED"), ("OPERATOR", "RECORD_REOPENED")}
    mails = await OutboxMail.filter(recipient="closing@test.invalid").order_by("id")
    assert [m.subject for m in mails] == ["Carnet : votre compte est fermé",
                                          "Carnet : votre compte est de nouveau ouvert"]
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


PATIENT_STRINGS = ["Zyxwvut-Birthname", "Qwertzy-Firstname", "Zyxwvut-Allergy-7",
                   "Zyxwvut-Note-text-3", "Zyxwvut-Document-bytes-5"]


def _files(settings: Settings) -> list[Path]:
    database = Path(settings.database_url.removeprefix("sqlite://"))
    found = [database, Path(f"{database}-wal")]
    documents = settings.var_dir / "documents"
    return [*found, *(p for p in documents.rglob("*") if p.is_file())]


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
    with_data = b"".join(path.read_bytes() for path in _files(settings))
    assert b"Zyxwvut-Allergy-7" in with_data  # the search does see the rows while they exist

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
        data = path.read_bytes()
        for needle in PATIENT_STRINGS:
            assert needle.encode() not in data, (needle, path.name)
    [last] = await OutboxMail.filter(recipient="leaving@test.invalid")
    assert last.subject == "Carnet : votre dossier a été supprimé"


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


async def test_the_command_line_asks_yes_before_deleting(settings, db, capsys):
    from api.lifecycle.cli import _step
    patient = await make_patient(birth_date=date(1980, 1, 1))
    ins = patient.ins_nir + patient.ins_key

    class Args:
        yes = False

    Args.ins = ins  # type: ignore[attr-defined]
    results: list[int] = []

    def run(_settings, work):  # type: ignore[no-untyped-def]
        raise AssertionError("nothing runs without --yes")

    assert _step(Args(), settings, run, "delete") == 2  # type: ignore[arg-type]
    assert "--yes" in capsys.readouterr().err
    assert results == []
    assert await Patient.filter(id=patient.id).exists()
