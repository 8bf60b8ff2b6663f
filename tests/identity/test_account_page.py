"""The account page: password change, authenticator enrolment, devices."""

import re

from api import clock
from api.identity.models import Account, SecondFactor, Session, SessionStage
from api.identity.passwords import verify_password
from api.identity.second_factor import current_code
from api.identity.sessions import start_session
from tests.factories import PASSWORD, csrf_from, make_patient, sign_in


async def _signed_in(client, settings):
    patient = await make_patient(email="a@test.invalid")
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    page = await client.get("/account")
    return account, csrf_from(page.text)


async def test_changing_the_password_signs_out_the_other_devices(client, settings):
    account, token = await _signed_in(client, settings)
    await start_session(settings.secret_key, account, SessionStage.ACTIVE, "other phone")
    response = await client.post("/account/password", data={
        "csrf_token": token, "current_password": PASSWORD,
        "new_password": "a brand new sentence", "new_password_confirm": "a brand new sentence"})
    assert response.status_code == 303
    assert await verify_password((await Account.get(id=account.id)).password_hash,
                                 "a brand new sentence")
    assert await Session.filter(account_id=account.id, revoked_at=None).count() == 1
    assert (await client.get("/account")).status_code == 200


async def test_a_wrong_current_password_changes_nothing(client, settings):
    account, token = await _signed_in(client, settings)
    response = await client.post("/account/password", data={
        "csrf_token": token, "current_password": "not my password",
        "new_password": "a brand new sentence", "new_password_confirm": "a brand new sentence"})
    assert response.status_code == 400 and "mot de passe actuel est erroné" in response.text
    assert await verify_password((await Account.get(id=account.id)).password_hash, PASSWORD)


async def test_a_patient_enrols_an_authenticator_with_the_qr_code(client, settings):
    account, token = await _signed_in(client, settings)
    page = await client.get("/account?enrol=totp")
    assert "<svg" in page.text
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page.text).group(1)
    wrong = await client.post("/account/totp", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400
    response = await client.post("/account/totp", data={
        "csrf_token": token, "code": current_code(secret, clock.now())})
    assert response.status_code == 303
    refreshed = await Account.get(id=account.id)
    assert refreshed.second_factor is SecondFactor.TOTP and refreshed.totp_secret == secret


async def test_the_devices_list_shows_sessions_and_signs_one_out(client, settings):
    account, token = await _signed_in(client, settings)
    _, other = await start_session(settings.secret_key, account, SessionStage.ACTIVE,
                                   "Mozilla/5.0 (Android 9; Mobile; rv:68.0) Gecko/68.0 "
                                   "Firefox/68.0")
    page = await client.get("/account")
    assert "Firefox sur Android" in page.text and "cet appareil" in page.text
    await client.post("/account/sessions/revoke", data={"csrf_token": token,
                                                        "session_id": str(other.id)})
    assert (await Session.get(id=other.id)).revoked_at is not None
    assert (await client.get("/account")).status_code == 200


async def test_signing_out_everywhere_ends_every_session(client, settings):
    account, token = await _signed_in(client, settings)
    await start_session(settings.secret_key, account, SessionStage.ACTIVE, "tablet")
    response = await client.post("/account/sessions/revoke-all", data={"csrf_token": token})
    assert response.headers["location"] == "/signin?notice=signed_out_everywhere"
    assert await Session.filter(account_id=account.id, revoked_at=None).count() == 0
    assert (await client.get("/account")).status_code == 303


async def test_a_session_of_another_account_cannot_be_revoked(client, settings):
    _, token = await _signed_in(client, settings)
    stranger = await make_patient(email="b@test.invalid")
    _, theirs = await start_session(settings.secret_key,
                                    await Account.get(id=stranger.account_id),
                                    SessionStage.ACTIVE)
    await client.post("/account/sessions/revoke", data={"csrf_token": token,
                                                        "session_id": str(theirs.id)})
    assert (await Session.get(id=theirs.id)).revoked_at is None


async def test_guessing_the_current_password_is_throttled_like_signing_in(client, settings,
                                                                       still_clock):
    _, token = await _signed_in(client, settings)
    form = {"csrf_token": token, "new_password": "a brand new sentence",
            "new_password_confirm": "a brand new sentence"}
    for _ in range(5):
        response = await client.post("/account/password",
                                     data={**form, "current_password": "a wrong guess"})
        assert response.status_code == 400
    refused = await client.post("/account/password", data={**form, "current_password": PASSWORD})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert "Attendez 30 secondes" in refused.text
    # The same count guards the sign-in form.
    client.cookies.clear()
    page = await client.get("/signin")
    answer = await client.post("/signin", data={"csrf_token": csrf_from(page.text),
                                                "email": "a@test.invalid", "password": PASSWORD})
    assert answer.status_code == 429
