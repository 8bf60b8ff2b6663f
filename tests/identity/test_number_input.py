"""Numbers typed or sent by a person: only the digits 0 to 9, never a crash, never an id
PostgreSQL cannot hold."""

from __future__ import annotations

import pytest

from api import clock
from api.identity.models import Account, SessionStage
from api.identity.models import Session as SessionRow
from api.identity.second_factor import current_code
from api.identity.sessions import start_session
from api.ids import ascii_digits, id_or_none, is_number_text
from tests.factories import PASSWORD, csrf_from, make_patient, make_professional, sign_in

NOT_IDS = ["²", "١٢", "１２", "2147483648", "99999999999", "0", "-3", "", " ", "1e3", "12a"]
# Digits people see as such that int() either rejects or reads as another script's digits.
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("raw", NOT_IDS)
def test_what_is_not_an_id_is_none(raw: str) -> None:
    assert id_or_none(raw) is None


def test_an_id_is_ascii_digits_within_integer_keys() -> None:
    assert id_or_none(" 42 ") == 42 and id_or_none("2147483647") == 2**31 - 1
    assert not is_number_text("²") and is_number_text("86400", limit=86400)
    assert ascii_digits("12 3²4-56") == "123456"


async def _signed_in(client, settings):
    patient = await make_patient(email="a@test.invalid")
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    return account, csrf_from((await client.get("/account")).text)


@pytest.mark.parametrize("raw", ["²", "99999999999", "2147483648", "１"])
async def test_signing_out_a_device_with_a_bad_id_changes_nothing(client, settings, raw):
    account, token = await _signed_in(client, settings)
    _, other = await start_session(settings.secret_key, account, SessionStage.ACTIVE, "tablet")
    response = await client.post("/account/sessions/revoke",
                                 data={"csrf_token": token, "session_id": raw})
    assert response.status_code == 303
    assert (await SessionRow.get(id=other.id)).revoked_at is None
    assert (await client.get("/account")).status_code == 200


async def _start(client, email):
    token = csrf_from((await client.get("/signin")).text)
    await client.post("/signin", data={"csrf_token": token, "email": email,
                                       "password": PASSWORD})
    return token


async def test_an_authenticator_code_in_other_digits_is_a_wrong_code(client, db):
    await make_professional(email="doc@test.invalid")
    token = await _start(client, "doc@test.invalid")
    code = current_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", clock.now())
    response = await client.post("/signin/code", data={
        "csrf_token": token, "code": code.translate(FULLWIDTH)})
    assert response.status_code == 400 and "Ce code est erroné" in response.text
    # The same code in ASCII digits, spaced and with a stray "²", is the one typed.
    spaced = f"{code[:3]} {code[3:]}²"
    response = await client.post("/signin/code", data={"csrf_token": token, "code": spaced})
    assert response.headers["location"] == "/pro"


@pytest.mark.parametrize("wait", ["²", "١٢", "99999999999", "-5", "0"])
async def test_the_code_page_ignores_a_wait_that_is_not_a_number(client, db, wait):
    await make_patient(email="a@test.invalid")
    await _start(client, "a@test.invalid")
    page = await client.get("/signin/code", params={"wait": wait})
    assert page.status_code == 200
    assert "Retry-After" not in page.headers
