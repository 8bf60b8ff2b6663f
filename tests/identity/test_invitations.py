"""Opt-out accounts: a pending record is activated or refused by its owner."""

import html
from datetime import date, timedelta

import pytest

from api import clock
from api.cli import main as carnet
from api.identity.ins import parse_ins
from api.identity.invitations import IdentityTraits, InvitationError, invite
from api.identity.models import Account, AccountStatus, Opposition, Patient
from tests.factories import csrf_from

TRAITS = IdentityTraits(birth_name="Martin", first_names="Camille  Anne",
                        birth_date=date(1995, 10, 14), sex="F", birthplace_insee="99126")
INS = "295109912611193"


async def _invite(settings):
    return await invite(settings.secret_key, parse_ins(INS), TRAITS)


async def _activate(client, code, **overrides):
    token = csrf_from((await client.get("/activate")).text)
    form = {"csrf_token": token, "ins": "2 95 10 99 126 111 93", "code": code,
            "email": "camille@test.invalid", "password": "a sentence I remember",
            "password_confirm": "a sentence I remember", **overrides}
    return await client.post("/activate", data=form)


async def test_an_invitation_creates_a_pending_patient_with_a_six_week_code(settings, db):
    patient, code = await _invite(settings)
    account = await Account.get(id=patient.account_id)
    assert account.status is AccountStatus.PENDING and account.email is None
    assert patient.birth_name == "MARTIN" and patient.first_names == "Camille Anne"
    assert len(code) == 14
    lifetime = patient.activation_expires_at - clock.now()
    assert timedelta(weeks=6) - timedelta(minutes=1) < lifetime <= timedelta(weeks=6)


async def test_the_person_activates_with_ins_and_code_then_signs_in(settings, client):
    _, code = await _invite(settings)
    response = await _activate(client, code.lower().replace("-", ""))
    assert response.status_code == 303 and response.headers["location"].endswith("activated")
    account = await Account.get(email="camille@test.invalid")
    assert account.status is AccountStatus.ACTIVE
    page = await client.get(response.headers["location"])
    assert "Votre compte est activé" in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ins": "295109912611194"}, "La clé ne correspond pas"),
        ({"code": "AAAA-BBBB-CCCC"}, "code d'activation est erroné"),
        ({"password": "short", "password_confirm": "short"}, "au moins 12 caractères"),
        ({"password_confirm": "something else"}, "ne sont pas identiques"),
        ({"email": "not-an-address"}, "Saisissez une adresse e-mail"),
    ],
)
async def test_activation_mistakes_are_explained_next_to_the_field(settings, client, overrides,
                                                                   message):
    _, code = await _invite(settings)
    response = await _activate(client, overrides.pop("code", code), **overrides)
    assert response.status_code == 400 and message in html.unescape(response.text)
    assert 'aria-invalid="true"' in response.text and 'role="alert"' in response.text
    assert (await Account.get(id=(await Patient.get(ins_nir=INS[:13])).account_id)).status \
        is AccountStatus.PENDING


async def test_an_activation_code_expires_after_six_weeks(settings, client):
    _, code = await _invite(settings)
    with clock.frozen_at(clock.now() + timedelta(weeks=6, minutes=1)):
        response = await _activate(client, code)
    assert response.status_code == 400 and "a expiré" in response.text


async def test_opposing_deletes_the_record_and_prevents_a_new_one(settings, client):
    _, code = await _invite(settings)
    token = csrf_from((await client.get("/oppose")).text)
    response = await client.post("/oppose", data={"csrf_token": token, "ins": INS, "code": code,
                                                  "confirm": "yes"})
    assert response.status_code == 200 and "refus est enregistré" in response.text
    assert not await Patient.exists(ins_nir=INS[:13])
    assert await Opposition.all().count() == 1
    assert (await Account.filter(status=AccountStatus.OPPOSED).count()) == 1
    with pytest.raises(InvitationError) as caught:
        await _invite(settings)
    assert caught.value.code == "opposed"


async def test_opposing_needs_the_box_ticked(settings, client):
    _, code = await _invite(settings)
    token = csrf_from((await client.get("/oppose")).text)
    response = await client.post("/oppose", data={"csrf_token": token, "ins": INS, "code": code})
    assert response.status_code == 400 and "Cochez la case" in response.text
    assert await Patient.exists(ins_nir=INS[:13])


async def test_an_activated_account_cannot_be_opposed_with_the_old_code(settings, client):
    _, code = await _invite(settings)
    await _activate(client, code)
    token = csrf_from((await client.get("/oppose")).text)
    response = await client.post("/oppose", data={"csrf_token": token, "ins": INS, "code": code,
                                                  "confirm": "yes"})
    assert response.status_code == 400 and await Patient.exists(ins_nir=INS[:13])


def test_the_invite_command_refuses_a_wrong_key(capsys):
    code = carnet(["invite", "--ins", "295109912611194", "--birth-name", "Martin",
                   "--first-names", "Camille", "--birth-date", "1995-10-14", "--sex", "F",
                   "--birthplace", "99126"])
    assert code == 2 and "does not match" in capsys.readouterr().err
