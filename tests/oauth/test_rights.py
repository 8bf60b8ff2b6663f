"""What a token reaches: the person's rights ∩ its scopes, on the record it was given for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Account, Role
from api.settings import Settings
from tests.factories import csrf_from, make_account, make_patient, make_professional, sign_in
from tests.oauth.support import (
    RECORD_QUERY,
    app_client,
    bearer_query,
    codes,
    connect_app,
    give_record_entries,
    register,
)


async def _patient_signed_in(client: httpx.AsyncClient, settings: Settings, **traits):
    patient = await make_patient(**traits)
    account = await Account.get(id=patient.account_id)
    await give_record_entries(patient.id, account)
    await sign_in(client, account, settings.secret_key)
    return patient, account


def _reason(body: dict, field: str) -> str | None:
    for error in body.get("errors", []):
        if error["path"][-1] == field:
            return str(error["extensions"].get("reason") or error["extensions"]["code"])
    return None


async def test_a_token_does_not_reach_a_record_its_person_did_not_authorise(
        client, app, settings) -> None:
    patient, _ = await _patient_signed_in(client, settings)
    stranger = await make_patient(birth_name="AUTRE")
    stranger_account = await Account.get(id=stranger.account_id)
    await give_record_entries(stranger.id, stranger_account)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        mine = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                  {"id": str(patient.id)})
        theirs = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                    {"id": str(stranger.id)})
    assert mine.json()["data"]["patient"]["allergies"]["items"] == [{"substance": "Birch pollen"}]
    assert theirs.json()["data"]["patient"] is None
    assert codes(theirs.json()) == ["NOT_FOUND"]


async def test_disconnecting_ends_the_app_at_its_next_request(client, app, settings) -> None:
    patient, _ = await _patient_signed_in(client, settings)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        first = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                   {"id": str(patient.id)})
        assert first.status_code == 200
        page = await client.get("/apps/connected")
        assert "Pollen Diary" in page.text and "Pollen Labs" in page.text
        assert "Dernière utilisation" in page.text  # it read a moment ago
        action = page.text.split('action="/apps/connected/')[1].split('"')[0]
        gone = await client.post(f"/apps/connected/{action}",
                                 data={"csrf_token": csrf_from(page.text)})
        assert gone.status_code == 303
        after = await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                   {"id": str(patient.id)})
        assert after.status_code == 401
        refreshed = await http.post("/oauth/token", data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
            "client_id": registered.client_id})
        assert refreshed.status_code == 400
    assert "Pollen Diary" not in (await client.get("/apps/connected")).text


async def test_a_person_cannot_disconnect_someone_elses_app(client, app, settings) -> None:
    await _patient_signed_in(client, settings)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        await connect_app(client, http, registered, "allergies.read")
    page = await client.get("/apps/connected")
    connection = page.text.split('action="/apps/connected/')[1].split("/")[0]
    other = await make_patient()
    async with app_client(app) as intruder:
        await sign_in(intruder, await Account.get(id=other.account_id), settings.secret_key)
        own_page = await intruder.get("/apps/connected")
        response = await intruder.post(f"/apps/connected/{connection}/disconnect",
                                       data={"csrf_token": csrf_from(own_page.text)})
    assert response.status_code == 404
    assert "Pollen Diary" in (await client.get("/apps/connected")).text


async def test_app_reads_are_in_the_access_history_under_the_apps_name(
        client, app, settings) -> None:
    patient, _ = await _patient_signed_in(client, settings)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read")
        await bearer_query(http, tokens["access_token"], RECORD_QUERY, {"id": str(patient.id)})
    client.cookies.set("carnet_lang", "en")
    page = await client.get(f"/records/{patient.id}/access-history")
    assert page.status_code == 200
    assert "Through the app Pollen Diary" in page.text
    assert "read: allergies" in page.text


async def test_practice_software_never_exceeds_the_professionals_grants(
        client, app, settings) -> None:
    doctor = await make_professional("physician")
    granted = await make_patient(birth_name="GRANTED")
    other = await make_patient(birth_name="OTHER")
    for patient in (granted, other):
        await give_record_entries(patient.id, await Account.get(id=patient.account_id))
    now = clock.now()
    async with in_transaction():
        await Grant.create(patient_id=granted.id, professional_id=doctor.id,
                           sections=encode_sections({Section.ALLERGIES}), write=False,
                           created_at=now, expires_at=now + timedelta(days=30))
    await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    registered = await register("allergies.read allergies.write treatments.read",
                                public=False, name="Cabinet Soft")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered,
                                   "allergies.read allergies.write treatments.read")
        token = tokens["access_token"]
        read = (await bearer_query(http, token, RECORD_QUERY, {"id": str(granted.id)})).json()
        write = (await bearer_query(
            http, token,
            "mutation($id: ID!) { addAllergy(input: {patientId: $id, substance: \"Latex\"}) "
            "{ allergy { substance } } }", {"id": str(granted.id)})).json()
        unknown = (await bearer_query(http, token, RECORD_QUERY, {"id": str(other.id)})).json()
    assert read["data"]["patient"]["allergies"]["items"] == [{"substance": "Birch pollen"}]
    assert read["data"]["patient"]["treatments"] is None  # scoped, but never granted
    assert _reason(read, "treatments") == "not_granted"
    assert write["data"]["addAllergy"] is None  # a read-only grant: the software cannot write
    assert _reason(write, "addAllergy") == "read_only"
    assert unknown["data"]["patient"] is None and codes(unknown) == ["NOT_FOUND"]


async def test_a_parents_token_on_the_childs_record_ends_at_the_18th_birthday(
        client, app, settings) -> None:
    birthday = (datetime.now(UTC) + timedelta(days=2)).date()
    eve = datetime(birthday.year, birthday.month, birthday.day, tzinfo=UTC) - timedelta(minutes=5)
    with clock.frozen_at(eve):
        parent = await make_account(Role.PATIENT)
        child = await make_patient(account=False, first_names="Léo",
                                   birth_date=date(birthday.year - 18, birthday.month,
                                                   birthday.day), guardian=parent)
        await give_record_entries(child.id, parent)
        await sign_in(client, parent, settings.secret_key)
        registered = await register("allergies.read")
        async with app_client(app) as http:
            tokens = await connect_app(client, http, registered, "allergies.read",
                                       record=child.id)
            before = (await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                         {"id": str(child.id)})).json()
            with clock.frozen_at(eve + timedelta(minutes=6)):
                after = (await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                            {"id": str(child.id)})).json()
    assert before["data"]["patient"]["allergies"]["items"] == [{"substance": "Birch pollen"}]
    assert after["data"]["patient"]["allergies"] is None
    assert _reason(after, "allergies") == "representative_ended"


async def test_a_token_for_a_childs_record_does_not_reach_the_parents_own(
        client, app, settings) -> None:
    parent_patient, parent = await _patient_signed_in(client, settings)
    child = await make_patient(account=False, birth_date=date(2020, 5, 1), guardian=parent)
    registered = await register("allergies.read")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read",
                                   record=child.id)
        own = (await bearer_query(http, tokens["access_token"], RECORD_QUERY,
                                  {"id": str(parent_patient.id)})).json()
    assert own["data"]["patient"] is None and codes(own) == ["NOT_FOUND"]


async def test_an_app_sees_only_its_record_under_me_and_no_notifications(
        client, app, settings) -> None:
    _, parent = await _patient_signed_in(client, settings)
    child = await make_patient(account=False, birth_date=date(2020, 5, 1), guardian=parent)
    other_child = await make_patient(account=False, birth_date=date(2018, 5, 1), guardian=parent)
    registered = await register("allergies.read")
    query = """{ me { account { email } patient { id } represented { id } }
                 unreadNotificationCount }"""
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "allergies.read",
                                   record=child.id)
        body = (await bearer_query(http, tokens["access_token"], query)).json()
    me = body["data"]["me"]
    assert me["patient"] is None  # the parent's own record was not connected
    assert me["represented"] == [{"id": str(child.id)}]
    assert str(other_child.id) not in str(me)
    assert me["account"]["email"] is None  # no identity scope
    assert body["data"]["unreadNotificationCount"] is None
    assert _reason(body, "unreadNotificationCount") == "scope_missing"
