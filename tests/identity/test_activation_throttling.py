"""Guessing activation codes is throttled per INS typed, whether a record has it or not."""

import asyncio
import html
import re
from datetime import date, timedelta

import pytest

from api import clock
from api.identity.ins import nir_key, parse_ins
from api.identity.invitations import IdentityTraits, invite
from api.identity.models import AccountStatus, Patient
from api.identity.throttle import FREE_ATTEMPTS
from tests.factories import csrf_from

pytestmark = pytest.mark.usefixtures("still_clock")

TRAITS = IdentityTraits(birth_name="Martin", first_names="Camille",
                        birth_date=date(1995, 10, 14), sex="F", birthplace_insee="99126")
INVITED = "295109912611193"
STRANGER_NIR = "1850575056123"
STRANGER = STRANGER_NIR + nir_key(STRANGER_NIR)
WRONG_CODE = "AAAA-BBBB-CCCC"


async def _activate(client, ins, code):
    token = csrf_from((await client.get("/activate")).text)
    return await client.post("/activate", data={
        "csrf_token": token, "ins": ins, "code": code, "email": "camille@test.invalid",
        "password": "a sentence I remember", "password_confirm": "a sentence I remember"})


async def _oppose(client, ins, code):
    token = csrf_from((await client.get("/oppose")).text)
    return await client.post("/oppose", data={"csrf_token": token, "ins": ins, "code": code,
                                              "confirm": "yes"})


def _answer(response):
    match = re.search(r'<p class="error" id="e-code">([^<]*)<', response.text)
    message = html.unescape(match.group(1)).strip() if match else None
    return response.status_code, message, response.headers.get("retry-after")


async def test_an_unknown_ins_is_throttled_exactly_like_an_invited_one(settings, client):
    await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    answers = {ins: [_answer(await _activate(client, ins, WRONG_CODE)) for _ in range(7)]
               for ins in (INVITED, STRANGER)}
    assert answers[INVITED] == answers[STRANGER]
    assert [status for status, _, _ in answers[INVITED]] == [400] * 5 + [429, 429]
    assert "Attendez 30 secondes" in answers[INVITED][5][1]
    assert answers[INVITED][5][2] == "30"


async def test_the_right_code_waits_too_while_the_ins_is_throttled(settings, client):
    _, code = await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    for _ in range(FREE_ATTEMPTS):
        await _activate(client, INVITED, WRONG_CODE)
    assert (await _activate(client, INVITED, code)).status_code == 429
    with clock.frozen_at(clock.now() + timedelta(seconds=31)):
        response = await _activate(client, INVITED, code)
    assert response.status_code == 303


async def test_activation_and_opposition_share_one_count(settings, client):
    _, code = await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    for index in range(FREE_ATTEMPTS):
        guess = _activate if index % 2 else _oppose
        assert (await guess(client, INVITED, WRONG_CODE)).status_code == 400
    refused = await _oppose(client, INVITED, code)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert await Patient.exists(ins_nir=INVITED[:13])


async def test_a_burst_of_parallel_guesses_gets_only_the_free_attempts(settings, client):
    await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    token = csrf_from((await client.get("/activate")).text)

    async def guess(n):
        return await client.post("/activate", data={
            "csrf_token": token, "ins": INVITED, "code": f"AAAA-BBBB-{n:04d}",
            "email": "x@test.invalid", "password": "a sentence I remember",
            "password_confirm": "a sentence I remember"})

    answers = await asyncio.gather(*(guess(n) for n in range(60)))
    statuses = [answer.status_code for answer in answers]
    assert statuses.count(400) <= FREE_ATTEMPTS and set(statuses) <= {400, 429}


async def test_a_successful_activation_clears_the_count(settings, client):
    _, code = await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    for _ in range(FREE_ATTEMPTS - 1):
        await _activate(client, INVITED, WRONG_CODE)
    assert (await _activate(client, INVITED, code)).status_code == 303
    patient = await Patient.get(ins_nir=INVITED[:13]).select_related("account")
    assert patient.account.status is AccountStatus.ACTIVE
    # The count started again: the old code is now just wrong, four more times without a wait.
    for _ in range(FREE_ATTEMPTS - 1):
        assert (await _activate(client, INVITED, code)).status_code == 400


async def test_a_valid_code_cannot_test_address_after_address(settings, client):
    from tests.factories import make_patient

    _, code = await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    for n in range(FREE_ATTEMPTS):
        await make_patient(email=f"taken{n}@test.invalid")
    for n in range(FREE_ATTEMPTS):
        token = csrf_from((await client.get("/activate")).text)
        response = await client.post("/activate", data={
            "csrf_token": token, "ins": INVITED, "code": code, "email": f"taken{n}@test.invalid",
            "password": "a sentence I remember", "password_confirm": "a sentence I remember"})
        assert response.status_code == 400
    assert (await _activate(client, INVITED, code)).status_code == 429


async def test_one_code_used_twice_at_once_activates_or_opposes_only_once(settings, client):
    _, code = await invite(settings.secret_key, parse_ins(INVITED), TRAITS)
    answers = await asyncio.gather(_activate(client, INVITED, code), _oppose(client, INVITED, code))
    assert sorted(answer.status_code for answer in answers) in ([200, 400], [303, 400])
