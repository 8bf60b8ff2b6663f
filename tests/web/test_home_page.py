"""The home page `/` answers with the page each visitor wants, without a redirect (a round
trip saved on a slow line): the welcome page, a patient's record, a professional's patients."""

from __future__ import annotations

import re
from datetime import date

from api.identity.models import Account, Role
from tests.factories import make_account, make_patient, make_professional, sign_in


def _h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found, "the page has no heading"
    return found.group(1)


async def test_a_visitor_gets_the_welcome_page(client):
    home = await client.get("/")
    assert home.status_code == 200
    assert 'href="/signin"' in home.text


async def test_a_patient_gets_the_overview_of_their_record_in_place(client, settings):
    patient = await make_patient(first_names="Alice")
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    home = await client.get("/")
    overview = await client.get(f"/records/{patient.id}")
    assert home.status_code == 200 and overview.status_code == 200
    assert _h1(home.text) == _h1(overview.text)
    assert "Alice TESTON" in _h1(home.text)
    assert f'href="/records/{patient.id}/history"' in home.text
    assert home.text.count("<h2") == overview.text.count("<h2") > 0


async def test_a_parent_without_a_record_gets_their_childs(client, settings):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 2, 3),
                               guardian=parent)
    await sign_in(client, parent, settings.secret_key)
    home = await client.get("/")
    assert home.status_code == 200
    assert "Léo TESTON" in _h1(home.text)
    assert f'href="/records/{child.id}/history"' in home.text


async def test_a_professional_gets_their_patients_in_place(client, settings):
    doctor = await make_professional(last_name="BERNARD")
    await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    home = await client.get("/")
    pro = await client.get("/pro")
    assert home.status_code == 200
    assert "Mes patients" in home.text and "Mes patients" in pro.text
