"""The consent screen, catalogue and connected-apps pages, as a person uses them."""

from __future__ import annotations

from datetime import date

from api.identity.models import Account
from tests.factories import csrf_from, make_patient, make_professional, sign_in
from tests.oauth.support import (
    authorize_url,
    consent,
    hidden_fields,
    pkce,
    redirect_params,
    register,
)


async def test_the_consent_screen_names_the_app_its_publisher_and_each_scope_in_french(
        client, settings) -> None:
    parent = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=parent.account_id)
    await make_patient(account=False, first_names="Léo", birth_name="MARTIN",
                       birth_date=date(2019, 4, 2), guardian=account)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read measurements.write")
    _, challenge = pkce()
    page = await client.get(authorize_url(registered.client_id,
                                          "allergies.read measurements.write", challenge))
    assert page.status_code == 200
    text = page.text
    assert "Pollen Diary demande à utiliser votre Carnet" in text
    assert "publiée par Pollen Labs" in text
    assert "Voir les allergies et intolérances" in text
    assert "Ajouter et corriger les mesures" in text
    assert "Mon propre dossier (Camille MARTIN)" in text
    assert "Le dossier de Léo MARTIN" in text
    client.cookies.set("carnet_lang", "en")
    english = await client.get(authorize_url(registered.client_id, "allergies.read", challenge))
    assert "Pollen Diary asks to use your Carnet" in english.text
    assert "See the allergies and intolerances" in english.text


async def test_a_professional_is_told_the_software_acts_as_them(client, settings) -> None:
    doctor = await make_professional("physician")
    await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    registered = await register("documents.deposit allergies.read")
    _, challenge = pkce()
    client.cookies.set("carnet_lang", "en")
    page = await client.get(authorize_url(registered.client_id,
                                          "documents.deposit allergies.read", challenge))
    assert "It will act as you" in page.text
    assert 'name="record"' not in page.text
    assert "Deposit documents into records (without reading them)" in page.text


async def test_signing_in_first_comes_back_to_the_consent_screen(client, db) -> None:
    registered = await register("allergies.read")
    _, challenge = pkce()
    url = authorize_url(registered.client_id, "allergies.read", challenge)
    response = await client.get(url)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=/oauth/authorize")


async def test_the_consent_form_needs_its_csrf_token(client, settings) -> None:
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("allergies.read")
    _, challenge = pkce()
    page = await client.get(authorize_url(registered.client_id, "allergies.read", challenge))
    form = {**hidden_fields(page.text), "decision": "allow", "scope": ["allergies.read"],
            "record": str(patient.id)}
    form.pop("csrf_token")
    response = await client.post("/oauth/authorize", data=form)
    assert response.status_code == 403


async def test_a_person_cannot_connect_someone_elses_record(client, settings) -> None:
    patient = await make_patient()
    stranger = await make_patient(birth_name="AUTRE")
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("allergies.read")
    _, challenge = pkce()
    response = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge), record=stranger.id)
    assert response.status_code == 400
    assert "location" not in response.headers


async def test_a_childs_record_can_be_connected_by_the_parent(client, settings) -> None:
    parent = await make_patient()
    account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, birth_date=date(2019, 4, 2), guardian=account)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read")
    _, challenge = pkce()
    answered = await consent(client, authorize_url(registered.client_id, "allergies.read",
                                                   challenge), record=child.id)
    assert "code" in redirect_params(answered)
    client.cookies.set("carnet_lang", "en")
    page = await client.get("/apps/connected")
    assert "Pollen Diary" in page.text and "allergies" in page.text
    assert "Not used yet." in page.text
    assert csrf_from(page.text)
