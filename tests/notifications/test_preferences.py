"""E-mail alerts are opt-in, chosen per kind on the account page (without JavaScript) or
through GraphQL, and decide which notifications are e-mailed."""

from __future__ import annotations

import re

import httpx
import pytest

from api.consent.models import MailState, Notification, NotificationKind
from api.identity.models import Account
from api.notify import delivery
from api.notify.preferences import mail_kinds
from api.settings import Settings
from tests.factories import csrf_from, graphql, make_patient, make_professional, sign_in
from tests.notifications.support import T0, notify

pytestmark = pytest.mark.db

ALERTS = "{ mailAlerts { kinds offered address } }"
SET = """mutation($kinds: [NotificationKind!]!) { setMailAlerts(kinds: $kinds) {
  mailAlerts { kinds } userErrors { field code message } } }"""


def _ticked(html: str) -> list[str]:
    return re.findall(r'name="kinds" value="([a-z_]+)" checked', html)


async def test_a_patient_chooses_alerts_on_the_account_page(client: httpx.AsyncClient,
                                                             settings: Settings):
    patient = await make_patient(email="alice@carnet.test")
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    page = await client.get("/account")
    assert page.status_code == 200
    assert "Alertes par e-mail" in page.text and "alice@carnet.test" in page.text
    assert len(re.findall(r'name="kinds"', page.text)) == len(NotificationKind)
    assert _ticked(page.text) == []  # opt-in: nothing until chosen
    saved = await client.post("/account/alerts", data={
        "csrf_token": csrf_from(page.text),
        "kinds": ["emergency_access", "document_deposited"]})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/account?notice=alerts_saved#alerts"
    again = await client.get("/account?notice=alerts_saved")
    assert "Vos alertes par e-mail sont enregistrées." in again.text
    assert sorted(_ticked(again.text)) == ["document_deposited", "emergency_access"]
    # Unticking everything turns them all off.
    await client.post("/account/alerts", data={"csrf_token": csrf_from(again.text)})
    assert await mail_kinds(account.id) == frozenset()


async def test_an_alert_that_does_not_exist_is_refused_in_the_persons_language(
        client: httpx.AsyncClient, settings: Settings):
    doctor = await make_professional()
    await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    page = await client.get("/account")
    assert sorted(re.findall(r'name="kinds" value="([a-z_]+)"', page.text)) == [
        "emergency_access", "new_message"]  # what can reach a professional
    token = csrf_from(page.text)
    refused = await client.post("/account/alerts", data={
        "csrf_token": token, "kinds": ["emergency_access", "document_deposited"]})
    assert refused.status_code == 400
    assert "L&#39;une des alertes choisies n&#39;existe pas pour ce compte." in refused.text
    client.cookies.set("carnet_lang", "en")
    refused = await client.post("/account/alerts", data={"csrf_token": token,
                                                         "kinds": ["nonsense"]})
    assert "One of the alerts chosen does not exist for this account." in refused.text
    client.cookies.delete("carnet_lang")
    assert await mail_kinds(doctor.account_id) == frozenset()
    no_token = await client.post("/account/alerts", data={"kinds": ["emergency_access"]})
    assert no_token.status_code == 403


async def test_alerts_through_graphql(client: httpx.AsyncClient, settings: Settings):
    patient = await make_patient(email="alice@carnet.test")
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    body = await graphql(client, token, ALERTS)
    assert body["data"] == {"mailAlerts": {
        "kinds": [], "offered": [k.name for k in NotificationKind],
        "address": "alice@carnet.test"}}
    body = await graphql(client, token, SET, {"kinds": ["NEW_MESSAGE", "GRANT_ENDING"]})
    assert body["data"] == {"setMailAlerts": {
        "mailAlerts": {"kinds": ["NEW_MESSAGE", "GRANT_ENDING"]}, "userErrors": []}}
    body = await graphql(client, token, SET, {"kinds": []})
    assert body["data"]["setMailAlerts"]["mailAlerts"] == {"kinds": []}


async def test_a_professional_cannot_choose_alerts_that_never_reach_them(
        client: httpx.AsyncClient, settings: Settings):
    doctor = await make_professional()
    token = await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    body = await graphql(client, token, SET, {"kinds": ["EMERGENCY_ACCESS", "APP_CONNECTED"]})
    assert body["data"] == {"setMailAlerts": {"mailAlerts": None, "userErrors": [{
        "field": "kinds", "code": "NOT_OFFERED",
        "message": "Ces alertes ne concernent pas ce type de compte\u202f: APP_CONNECTED."}]}}
    assert await mail_kinds(doctor.account_id) == frozenset()


async def test_signed_out_nobody_reads_or_sets_alerts(client: httpx.AsyncClient):
    response = await client.post("/graphql", json={"query": ALERTS})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await client.get("/account")).status_code in (302, 303)


async def test_only_the_kinds_chosen_are_e_mailed(client: httpx.AsyncClient,
                                                  settings: Settings):
    patient = await make_patient()
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    await graphql(client, token, SET, {"kinds": ["EMERGENCY_ACCESS"]})
    wanted = await notify(patient, patient.account_id, NotificationKind.EMERGENCY_ACCESS)
    other = await notify(patient, patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)
    assert await delivery.decide(T0) == 1
    states = {n.id: n.mail_state for n in await Notification.all()}
    assert states == {wanted.id: MailState.PENDING, other.id: MailState.NOT_WANTED}


async def test_an_app_can_neither_read_nor_change_the_persons_alerts(
        client: httpx.AsyncClient, app, settings: Settings):
    from tests.oauth.support import (
        app_client,
        authorize_url,
        bearer_query,
        consent,
        exchange,
        pkce,
        redirect_params,
        register,
    )

    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("allergies.read")
    verifier, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge))
    async with app_client(app) as http:
        tokens = (await exchange(http, registered, redirect_params(answered)["code"],
                                 verifier)).json()
        read = (await bearer_query(http, tokens["access_token"], ALERTS)).json()
        changed = (await bearer_query(http, tokens["access_token"], SET,
                                      {"kinds": ["EMERGENCY_ACCESS"]})).json()
    for body in (read, changed):
        assert body["errors"][0]["extensions"]["code"] == "CONSENT_REQUIRED"
    assert await mail_kinds(patient.account_id) == frozenset()
