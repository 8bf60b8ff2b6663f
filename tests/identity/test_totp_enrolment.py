"""A first authenticator is enrolled only after a code e-mailed to the account's address:
the password alone must not let someone add their own authenticator to the account."""

from __future__ import annotations

import re

import pytest

from api import clock
from api.identity.models import Account, Role, SecondFactor, Session, SessionStage
from api.identity.second_factor import current_code
from api.mail.models import OutboxMail
from tests.factories import PASSWORD, csrf_from, make_account, make_professional
from web.i18n import LANGUAGE_COOKIE

EMAIL = "new@test.invalid"
SECRET = re.compile(r"<code>([A-Z2-7]{32})</code>")


async def _start(client, language="fr"):
    client.cookies.set(LANGUAGE_COOKIE, language)
    token = csrf_from((await client.get("/signin")).text)
    response = await client.post("/signin", data={"csrf_token": token, "email": EMAIL,
                                                  "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/signin/code"
    return token


async def _mailed_code() -> tuple[str, str]:
    mail = await OutboxMail.filter(recipient=EMAIL).order_by("-id").first()
    return mail.subject, re.search(r"\b(\d{6})\b", mail.body).group(1)


async def _new_professional() -> Account:
    return await make_account(Role.PROFESSIONAL, email=EMAIL, second_factor=SecondFactor.TOTP)


@pytest.mark.parametrize(("language", "asks", "subject"), [
    ("fr", "Avant d’ajouter une application d’authentification",
     "Votre code pour ajouter une application d’authentification à Carnet"),
    ("en", "Before you add an authenticator app",
     "Your code to add an authenticator app to Carnet")])
async def test_the_password_alone_shows_no_authenticator_key(client, db, language, asks,
                                                             subject):
    account = await _new_professional()
    await Account.filter(id=account.id).update(language=language)  # the mail's language
    await _start(client, language)
    page = await client.get("/signin/code")
    assert page.status_code == 200
    assert asks in page.text.replace("&#39;", "’").replace("'", "’")
    assert "<svg" not in page.text and not SECRET.search(page.text)
    assert (await Account.get(id=account.id)).totp_pending_secret is None
    sent_subject, _ = await _mailed_code()
    assert sent_subject.replace("'", "’") == subject


async def test_a_code_from_an_authenticator_of_ones_own_is_refused(client, db):
    await _new_professional()
    token = await _start(client)
    own = current_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", clock.now())
    response = await client.post("/signin/code", data={"csrf_token": token, "code": own})
    assert response.status_code == 400
    assert (await client.get("/pro")).status_code == 303
    assert not SECRET.search((await client.get("/signin/code")).text)


async def test_the_emailed_code_opens_enrolment_then_the_authenticator_signs_in(client, db):
    account = await _new_professional()
    token = await _start(client, "en")
    _, code = await _mailed_code()
    opened = await client.post("/signin/code", data={"csrf_token": token, "code": code,
                                                     "next": "/account"})
    assert opened.headers["location"] == "/signin/code?next=%2Faccount"
    page = await client.get("/signin/code")
    secret = SECRET.search(page.text).group(1)
    # The e-mailed code was for one use: it does not finish the sign-in.
    assert (await client.post("/signin/code", data={"csrf_token": token, "code": code})
            ).status_code == 400
    done = await client.post("/signin/code", data={
        "csrf_token": token, "code": current_code(secret, clock.now()), "next": "/account"})
    assert done.status_code == 303 and done.headers["location"] == "/account"
    enrolled = await Account.get(id=account.id)
    assert enrolled.totp_secret == secret and enrolled.second_factor is SecondFactor.TOTP


async def test_five_wrong_enrolment_codes_end_the_half_open_session(client, db):
    await _new_professional()
    token = await _start(client)
    for _ in range(5):
        await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    response = await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    assert response.headers["location"] == "/signin?notice=too_many_codes"
    assert await Session.filter(stage=SessionStage.ENROLMENT).count() == 0


async def test_a_new_enrolment_code_can_be_sent_until_the_inbox_is_proved(client, db):
    await _new_professional()
    token = await _start(client)
    resent = await client.post("/signin/code/resend", data={"csrf_token": token})
    assert resent.headers["location"] == "/signin/code?sent=1"
    assert await OutboxMail.filter(recipient=EMAIL).count() == 2
    _, code = await _mailed_code()
    await client.post("/signin/code", data={"csrf_token": token, "code": code})
    again = await client.post("/signin/code/resend", data={"csrf_token": token})
    assert again.headers["location"] == "/signin/code"
    assert await OutboxMail.filter(recipient=EMAIL).count() == 2


async def test_a_professional_with_an_authenticator_gets_no_email(client, db):
    await make_professional(email=EMAIL)
    token = await _start(client)
    assert await OutboxMail.all().count() == 0
    code = current_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", clock.now())
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.headers["location"] == "/pro"
