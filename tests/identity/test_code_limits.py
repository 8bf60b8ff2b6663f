"""The second factor: wrong codes count towards the sign-in throttle, codes are sent sparingly."""

import asyncio
from datetime import timedelta

import pytest

from api import clock
from api.identity.models import Session, SessionStage
from api.identity.second_factor import current_code
from api.identity.signin import MAX_CODE_ATTEMPTS
from api.identity.throttle import FREE_ATTEMPTS
from api.mail.models import OutboxMail
from tests.factories import PASSWORD, csrf_from, make_patient, make_professional

pytestmark = pytest.mark.usefixtures("still_clock")

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


async def _start(client, email, password=PASSWORD):
    token = csrf_from((await client.get("/signin")).text)
    response = await client.post("/signin", data={"csrf_token": token, "email": email,
                                                  "password": password})
    return token, response


async def _resend(client, token):
    return await client.post("/signin/code/resend", data={"csrf_token": token})


async def test_knowing_the_password_does_not_buy_unlimited_code_guesses(client):
    await make_professional(email="doc@test.invalid")
    token, _ = await _start(client, "doc@test.invalid")
    for _ in range(FREE_ATTEMPTS - 1):
        response = await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
        assert response.status_code == 400
    # A new half-open session does not start the count again.
    client.cookies.clear()
    token, _ = await _start(client, "doc@test.invalid")
    response = await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    assert response.status_code == 400
    code = current_code(SECRET, clock.now())
    refused = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert "Attendez 30 secondes" in refused.text
    client.cookies.clear()
    token, response = await _start(client, "doc@test.invalid")
    assert response.status_code == 429


async def test_the_right_code_clears_the_count(client):
    await make_professional(email="doc@test.invalid")
    token, _ = await _start(client, "doc@test.invalid")
    for _ in range(FREE_ATTEMPTS - 1):
        await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    code = current_code(SECRET, clock.now())
    assert (await client.post("/signin/code", data={"csrf_token": token, "code": code})
            ).headers["location"] == "/pro"
    client.cookies.clear()
    for _ in range(FREE_ATTEMPTS - 1):
        _, response = await _start(client, "doc@test.invalid", "not the password")
        assert response.status_code == 400
    assert (await _start(client, "doc@test.invalid"))[1].status_code == 303


async def test_parallel_wrong_codes_get_no_more_than_the_session_allows(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")

    async def guess(n):
        return await client.post("/signin/code", data={"csrf_token": token,
                                                       "code": f"{n:06d}"})

    answers = await asyncio.gather(*(guess(n) for n in range(40)))
    checked = [answer for answer in answers if answer.status_code in (400, 429)]
    assert len(checked) <= MAX_CODE_ATTEMPTS
    session = await Session.filter(stage=SessionStage.SECOND_FACTOR).first()
    assert session.code_attempts == MAX_CODE_ATTEMPTS


async def test_two_parallel_uses_of_one_authenticator_code_let_one_in(client, app):
    import httpx

    await make_professional(email="doc@test.invalid")
    code = current_code(SECRET, clock.now())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        first, _ = await _start(client, "doc@test.invalid")
        second, _ = await _start(other, "doc@test.invalid")
        answers = await asyncio.gather(
            client.post("/signin/code", data={"csrf_token": first, "code": code}),
            other.post("/signin/code", data={"csrf_token": second, "code": code}),
        )
    assert sorted(answer.status_code for answer in answers) == [303, 400]


async def test_sending_new_codes_is_limited_and_says_so_in_french(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    for _ in range(FREE_ATTEMPTS - 1):
        assert (await _resend(client, token)).status_code == 303
    refused = await _resend(client, token)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert ("Trop de codes vous ont été envoyés récemment. Attendez 30 secondes avant d'en "
            "demander un nouveau.") in refused.text.replace("&#39;", "'")
    assert await OutboxMail.filter(recipient="alice@test.invalid").count() == FREE_ATTEMPTS
    # Starting the sign-in again sends no code either, and the code page says why.
    client.cookies.clear()
    token, response = await _start(client, "alice@test.invalid")
    assert response.status_code == 303 and "wait=" in response.headers["location"]
    page = await client.get(response.headers["location"])
    assert "Trop de codes vous ont été envoyés" in page.text.replace("&#39;", "'")
    assert await OutboxMail.filter(recipient="alice@test.invalid").count() == FREE_ATTEMPTS
    with clock.frozen_at(clock.now() + timedelta(seconds=31)):
        assert (await _resend(client, token)).status_code == 303


async def test_sending_new_codes_is_limited_and_says_so_in_english(client):
    await make_patient(email="alice@test.invalid")
    client.cookies.set("carnet_lang", "en")
    token, _ = await _start(client, "alice@test.invalid")
    for _ in range(FREE_ATTEMPTS - 1):
        await _resend(client, token)
    refused = await _resend(client, token)
    assert refused.status_code == 429
    assert ("Too many codes were sent to you lately. Wait 30 seconds before asking for a "
            "new one.") in refused.text


async def test_signing_in_with_the_emailed_code_lets_codes_be_sent_again(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    for _ in range(FREE_ATTEMPTS - 2):
        await _resend(client, token)
    mail = await OutboxMail.filter(recipient="alice@test.invalid").order_by("-id").first()
    code = next(word.strip(".") for word in mail.body.split() if word.strip(".").isdigit())
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 303 and response.headers["location"] == "/patient"
    client.cookies.clear()
    token, _ = await _start(client, "alice@test.invalid")
    assert (await _resend(client, token)).status_code == 303


async def test_a_code_the_mail_server_refused_is_not_counted(client, monkeypatch):
    import web.signin_mail
    from api.mail.sender import MailError

    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")

    async def refused(*args, **kwargs):
        raise MailError("down")

    with monkeypatch.context() as patched:
        patched.setattr(web.signin_mail, "send_mail", refused)
        for _ in range(FREE_ATTEMPTS + 2):
            assert (await _resend(client, token)).status_code == 503
    assert (await _resend(client, token)).status_code == 303
