"""The workspace's deposit page: identify, send, confirmation, my deposits, release."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from api import clock
from api.consent.models import Grant, Notification, NotificationKind, encode_sections
from api.consent.sections import Section
from api.identity.ins import nir_key
from api.identity.models import Account, Patient, Professional
from api.records.documents.models import Document
from api.records.documents.samples import pdf
from api.settings import Settings
from tests.factories import make_patient, make_professional, sign_in

PDF = pdf("Ordonnance", ["Amoxicilline 1 g"])


class Pro:
    def __init__(self, client: httpx.AsyncClient, csrf: str, account_id: int) -> None:
        self.client, self.csrf, self.account_id = client, csrf, account_id

    async def identify(self, ins: str, birth_date: str) -> httpx.Response:
        return await self.client.post("/pro/deposit/identify", data={
            "csrf_token": self.csrf, "ins": ins, "birth_date": birth_date})

    async def send(self, page: str, *, file: bytes | None = PDF, **fields: str
                   ) -> httpx.Response:
        """Step 2 as the browser sends it: the hidden fields of `page`, then ours."""
        data = {**hidden_fields(page), "csrf_token": self.csrf, "title": "Ordonnance",
                "type_code": "57833-6", "document_date": "", **fields}
        content = file if file is not None else b""
        name = "ordonnance.pdf" if file is not None else ""
        return await self.client.post("/pro/deposit/send", data=data,
                                      files={"file": (name, content, "application/pdf")})


def hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)">', page) if name != "csrf_token"}


def ins(patient: Patient) -> str:
    return patient.ins_nir + patient.ins_key


def born(patient: Patient) -> str:
    return patient.birth_date.strftime("%d/%m/%Y")


@pytest.fixture
async def pro(client: httpx.AsyncClient, settings: Settings) -> Pro:
    professional = await make_professional(last_name="BERNARD")
    account = await Account.get(id=professional.account_id)
    return Pro(client, await sign_in(client, account, settings.secret_key), account.id)


async def _step_two(pro: Pro, patient: Patient) -> str:
    page = await pro.identify(ins(patient), born(patient))
    assert page.status_code == 200, page.text
    assert "Step 2 of 2" in page.text or "Étape 2 sur 2" in page.text
    return page.text


async def test_a_deposit_in_two_steps_then_a_confirmation(pro: Pro, db):
    patient = await make_patient()
    page = await _step_two(pro, patient)
    sent = await pro.send(page)
    assert sent.status_code == 303
    done = await pro.client.get(sent.headers["location"])
    assert done.status_code == 200
    assert "Le document est déposé. Le patient est prévenu." in done.text
    [document] = await Document.filter(patient_id=patient.id)
    assert document.title == "Ordonnance" and document.held_back_until is None
    assert await Notification.filter(
        patient_id=patient.id, kind=NotificationKind.DOCUMENT_DEPOSITED).count() == 1
    # Nothing of the record on the confirmation: not even the patient's name.
    assert patient.birth_name not in done.text and patient.first_names not in done.text


async def test_step_two_shows_only_what_the_professional_typed(pro: Pro, db):
    patient = await make_patient(birth_name="SECRETNAME")
    page = await _step_two(pro, patient)
    assert ins(patient) in page and "SECRETNAME" not in page


@pytest.mark.parametrize(("typed", "field"), [
    ({"ins": "", "birth_date": "01/01/1980"}, "ins"),
    ({"ins": "123", "birth_date": "01/01/1980"}, "ins"),
    ({"ins": "VALID", "birth_date": "31/02/1980"}, "birth_date"),
    ({"ins": "VALID", "birth_date": "02/01/1980"}, "ins"),
])
async def test_identification_problems_keep_what_was_typed(pro: Pro, db, typed, field):
    patient = await make_patient()
    values = {**typed, "ins": ins(patient) if typed["ins"] == "VALID" else typed["ins"]}
    page = await pro.identify(values["ins"], values["birth_date"])
    assert page.status_code == 400
    assert f'id="e-{field}"' in page.text
    assert f'value="{values["birth_date"]}"' in page.text
    assert f'name="ins" type="text" value="{values["ins"]}"' in page.text


async def test_an_unknown_ins_reads_like_a_wrong_birth_date(pro: Pro, db):
    patient = await make_patient()
    wrong_date = await pro.identify(ins(patient), "02/01/1980")
    nobody = await pro.identify("1991299999999" + nir_key("1991299999999"), "01/01/1980")
    message = re.compile(r'<p class="error" id="e-ins">([^<]+)</p>')
    assert wrong_date.status_code == nobody.status_code == 400
    assert message.findall(wrong_date.text) == message.findall(nobody.text)


@pytest.mark.parametrize(("fields", "file", "field"), [
    ({}, None, "file"),
    ({"document_date": "40/01/2025"}, PDF, "document_date"),
    ({"document_date": "01/01/2999"}, PDF, "document_date"),
    ({"type_code": "00000-0"}, PDF, "type_code"),
    ({}, b"not a pdf at all", "file"),
])
async def test_step_two_problems_keep_what_was_typed_except_the_file(
        pro: Pro, db, fields, file, field):
    patient = await make_patient()
    page = await _step_two(pro, patient)
    sent = await pro.send(page, file=file, title="Mon titre", hold_back="1", **fields)
    assert sent.status_code == 400
    assert f'id="e-{field}"' in sent.text
    assert 'value="Mon titre"' in sent.text and 'value="1" checked' in sent.text
    assert "Choisissez à nouveau le fichier" in sent.text
    assert await Document.filter(patient_id=patient.id).count() == 0
    # The form is ready to send again, for the same patient.
    assert hidden_fields(sent.text)["handle"] == hidden_fields(page)["handle"]


async def test_sending_the_same_form_twice_deposits_once(pro: Pro, db):
    patient = await make_patient()
    page = await _step_two(pro, patient)
    assert (await pro.send(page)).status_code == 303
    assert (await pro.send(page)).status_code == 303
    assert await Document.filter(patient_id=patient.id).count() == 1


async def test_held_back_then_released_from_my_deposits(pro: Pro, db):
    patient = await make_patient()
    sent = await pro.send(await _step_two(pro, patient), hold_back="1")
    done = await pro.client.get(sent.headers["location"])
    assert "retenu" in done.text
    listing = (await pro.client.get("/pro/deposit")).text
    [release] = re.findall(r'action="(/pro/deposits/\d+/release)"', listing)
    assert "Ordonnance" in listing
    assert await Notification.filter(patient_id=patient.id).count() == 0
    released = await pro.client.post(release, data={"csrf_token": pro.csrf})
    assert released.status_code == 303
    after = (await pro.client.get(released.headers["location"])).text
    assert "/release" not in after and "visible par le patient" in after
    [document] = await Document.filter(patient_id=patient.id)
    assert document.held_back_until is None
    assert await Notification.filter(
        patient_id=patient.id, kind=NotificationKind.HELD_BACK_RELEASED).count() == 1


async def test_nobody_else_releases_a_deposit(pro: Pro, client, settings, db):
    patient = await make_patient()
    await pro.send(await _step_two(pro, patient), hold_back="1")
    [document] = await Document.filter(patient_id=patient.id)
    other = await make_professional()
    csrf = await sign_in(client, await Account.get(id=other.account_id), settings.secret_key)
    refused = await client.post(f"/pro/deposits/{document.id}/release",
                                data={"csrf_token": csrf})
    missing = await client.post("/pro/deposits/999999/release", data={"csrf_token": csrf})
    assert refused.status_code == missing.status_code == 404
    assert (await Document.get(id=document.id)).held_back_until is not None


async def _grant(patient: Patient, professional_account: int) -> None:
    professional = await Professional.get(account_id=professional_account)
    await Grant.create(patient_id=patient.id, professional_id=professional.id,
                       sections=encode_sections([Section.IDENTITY]), write=False,
                       created_at=clock.now(), expires_at=clock.now() + timedelta(days=30))


async def test_a_followed_record_comes_preselected(pro: Pro, db):
    patient = await make_patient(birth_name="SUIVI", first_names="Jeanne")
    await _grant(patient, pro.account_id)
    page = await pro.client.get(f"/pro/deposit?patient={patient.id}")
    assert page.status_code == 200
    assert "Jeanne SUIVI" in page.text and "Étape 2 sur 2" in page.text
    sent = await pro.send(page.text)
    assert sent.status_code == 303
    assert await Document.filter(patient_id=patient.id).count() == 1


@pytest.mark.parametrize("which", ["unrelated", "missing", "malformed"])
async def test_an_unrelated_or_missing_record_is_not_found(pro: Pro, db, which):
    patient = await make_patient()
    target: dict[str, Any] = {"unrelated": patient.id, "missing": patient.id + 1000,
                              "malformed": "abc"}
    page = await pro.client.get(f"/pro/deposit?patient={target[which]}")
    assert page.status_code == 404
    forged = await pro.client.post("/pro/deposit/send", data={
        "csrf_token": pro.csrf, "patient_id": str(target[which])},
        files={"file": ("a.pdf", PDF, "application/pdf")})
    assert forged.status_code == 404
    assert await Document.filter(patient_id=patient.id).count() == 0


async def test_patients_and_strangers_cannot_open_the_page(client, settings, db):
    assert (await client.get("/pro/deposit")).status_code == 303  # to sign in
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    assert (await client.get("/pro/deposit")).status_code == 403
