"""Sign-in end to end over HTTP: password, then the second factor."""

import re
from datetime import timedelta

from api import clock
from api.identity.models import Role, SecondFactor, Session, SessionStage
from api.identity.second_factor import current_code
from api.mail.models import OutboxMail
from tests.factories import PASSWORD, csrf_from, make_account, make_patient, make_professional


async def _start(client, email, password=PASSWORD):
    page = await client.get("/signin")
    token = csrf_from(page.text)
    response = await client.post("/signin", data={"csrf_token": token, "email": email,
                                                  "password": password})
    return token, response


async def _emailed_code(email):
    mail = await OutboxMail.filter(recipient=email).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", mail.body).group(1)


async def test_a_patient_signs_in_with_password_then_emailed_code(client):
    patient = await make_patient(email="alice@test.invalid")
    token, response = await _start(client, "alice@test.invalid")
    assert response.status_code == 303 and response.headers["location"] == "/signin/code"
    code = await _emailed_code("alice@test.invalid")
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 303 and response.headers["location"] == "/patient"
    home = await client.get("/patient")  # the record itself, without a redirect
    assert home.status_code == 200
    assert f'href="/records/{patient.id}/history"' in home.text
    assert "Alice" in home.text


async def test_the_full_session_gets_a_new_token_after_the_second_factor(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    half_token = client.cookies.get("carnet_session")
    await client.post("/signin/code", data={"csrf_token": token,
                                            "code": await _emailed_code("alice@test.invalid")})
    assert client.cookies.get("carnet_session") != half_token
    assert await Session.filter(stage=SessionStage.ACTIVE, revoked_at=None).count() == 1


async def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(client):
    await make_patient(email="alice@test.invalid")
    _, response = await _start(client, "alice@test.invalid", "not the right password")
    assert response.status_code == 400
    assert "mot de passe est erroné" in response.text
    _, unknown = await _start(client, "nobody@test.invalid")
    assert unknown.status_code == 400 and "mot de passe est erroné" in unknown.text


async def test_a_wrong_code_is_refused_and_the_page_says_so(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    response = await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    assert response.status_code == 400 and "Ce code est erroné" in response.text
    assert (await client.get("/patient")).status_code == 303


async def test_five_wrong_codes_end_the_half_open_session(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    for _ in range(5):
        await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    response = await client.post("/signin/code", data={"csrf_token": token, "code": "000000"})
    assert response.status_code == 303 and "too_many_codes" in response.headers["location"]


async def test_an_expired_email_code_is_refused(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    code = await _emailed_code("alice@test.invalid")
    session = await Session.filter(stage=SessionStage.SECOND_FACTOR).first()
    await Session.filter(id=session.id).update(
        email_code_expires_at=clock.now() - timedelta(seconds=1))
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 400 and "expiré" in response.text


async def test_a_professional_signs_in_with_an_authenticator_code(client):
    pro = await make_professional(email="doc@test.invalid")
    token, _ = await _start(client, "doc@test.invalid")
    assert await OutboxMail.all().count() == 0  # no e-mail code for a professional
    code = current_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", clock.now())
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.headers["location"] == "/pro"
    page = await client.get("/pro")
    assert pro.rpps in page.text


async def test_an_authenticator_code_cannot_be_replayed(client):
    await make_professional(email="doc@test.invalid")
    code = current_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", clock.now())
    token, _ = await _start(client, "doc@test.invalid")
    await client.post("/signin/code", data={"csrf_token": token, "code": code})
    client.cookies.clear()
    token, _ = await _start(client, "doc@test.invalid")
    response = await client.post("/signin/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 400


async def test_a_professional_without_an_authenticator_must_enrol_at_sign_in(client):
    await make_account(Role.PROFESSIONAL, email="new@test.invalid",
                       second_factor=SecondFactor.TOTP)
    token, _ = await _start(client, "new@test.invalid")
    # The inbox first: the password alone does not open the enrolment.
    response = await client.post("/signin/code", data={
        "csrf_token": token, "code": await _emailed_code("new@test.invalid")})
    assert response.headers["location"] == "/signin/code"
    page = await client.get("/signin/code")
    assert "<svg" in page.text
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page.text).group(1)
    response = await client.post("/signin/code", data={
        "csrf_token": token, "code": current_code(secret, clock.now())})
    assert response.headers["location"] == "/pro"


async def test_a_session_ends_after_thirty_idle_minutes(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    await client.post("/signin/code", data={"csrf_token": token,
                                            "code": await _emailed_code("alice@test.invalid")})
    assert (await client.get("/account")).status_code == 200
    with clock.frozen_at(clock.now() + timedelta(minutes=31)):
        response = await client.get("/patient")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin")


async def test_a_session_ends_after_twelve_hours_even_when_used(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    await client.post("/signin/code", data={"csrf_token": token,
                                            "code": await _emailed_code("alice@test.invalid")})
    start = clock.now()
    for minutes in range(25, 12 * 60, 25):
        with clock.frozen_at(start + timedelta(minutes=minutes)):
            assert (await client.get("/account")).status_code == 200
    with clock.frozen_at(start + timedelta(hours=12, minutes=1)):
        assert (await client.get("/account")).status_code == 303


async def test_a_form_without_the_csrf_token_is_refused(client):
    await make_patient(email="alice@test.invalid")
    await client.get("/signin")
    response = await client.post("/signin", data={"email": "alice@test.invalid",
                                                  "password": PASSWORD})
    assert response.status_code == 403
    assert await Session.all().count() == 0


async def test_signing_out_ends_the_session(client):
    await make_patient(email="alice@test.invalid")
    token, _ = await _start(client, "alice@test.invalid")
    await client.post("/signin/code", data={"csrf_token": token,
                                            "code": await _emailed_code("alice@test.invalid")})
    response = await client.post("/signout", data={"csrf_token": token})
    assert response.headers["location"] == "/signin?notice=signed_out"
    assert (await client.get("/patient")).status_code == 303
