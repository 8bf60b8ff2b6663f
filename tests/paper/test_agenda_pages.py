"""The agenda page and its iCalendar file, as a patient, a parent and a professional see them
(or do not): through the pages and the `agenda` field of the API."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from api import clock
from api.consent.sections import Section as S
from api.dates import months_after, years_after
from api.identity.models import Account, Patient
from api.records.entries.models import Vaccination
from tests.factories import graphql, make_patient, sign_in
from tests.web.pro.support import grant, signed_pro, text_of

AGENDA = "query($id: ID!) { patient(id: $id) { agenda { items { key status } } } }"


async def _vaccinate(someone: Patient, code: str, day: date) -> None:
    now = clock.now()
    await Vaccination.create(patient_id=someone.id, vaccine_code=code, date=day,
                             created_at=now, updated_at=now)


def _group(text: str, heading: str, following: str | None) -> str:
    part = text.split(heading, 1)[1]
    return part.split(following, 1)[0] if following else part


async def test_a_parent_sees_their_babys_first_doses_due_then_done(client, settings):
    parent = await make_patient(first_names="Nadia")
    account = await Account.get(id=parent.account_id)
    born = months_after(clock.today(), -2) - timedelta(days=3)
    baby = await make_patient(account=False, first_names="Tom", birth_date=born,
                              guardian=account)
    await sign_in(client, account, settings.secret_key)
    page = await client.get(f"/records/{baby.id}/agenda")
    assert page.status_code == 200
    text = text_of(page)
    due = _group(text, "À faire maintenant", "Fait")
    assert "Diphtérie, tétanos, coqueluche, poliomyélite : 1re dose" in due
    assert "Pneumocoque : 1re dose" in due and "Hépatite B : 1re dose" in due
    assert "Examen du 2e mois" in due and "à faire avec votre médecin" in due
    assert "Méningocoque B : 1re dose" in _group(text, "À venir", None)

    await _vaccinate(baby, "DTCAP-HIB-HEPB", born + timedelta(days=62))
    text = text_of(await client.get(f"/records/{baby.id}/agenda"))
    done = _group(text, "Fait", "À venir")
    assert "Hépatite B : 1re dose" in done and "Hexavalent DTCaP-Hib-HepB" in done
    assert "Pneumocoque : 1re dose" in _group(text, "À faire maintenant", "Fait")

    vaccinations = await client.get(f"/records/{baby.id}/vaccinations")
    assert f'href="/records/{baby.id}/agenda"' in vaccinations.text


async def test_the_calendar_file_has_an_event_per_item_to_do(client, settings):
    someone = await make_patient(first_names="Jeanne",
                                 birth_date=years_after(clock.today(), -70))
    await sign_in(client, await Account.get(id=someone.account_id), settings.secret_key)
    page = text_of(await client.get(f"/records/{someone.id}/agenda"))
    due = _group(page, "À faire maintenant", "Fait")
    assert "Zona" in due and "Pneumocoque (à partir de 65 ans)" in due
    assert "Diphtérie, tétanos, poliomyélite : rappel de 65 ans" in _group(page, "En retard",
                                                                             "À faire")
    client.cookies.set("carnet_lang", "en")
    answer = await client.get(f"/records/{someone.id}/agenda.ics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    summaries = {str(event["SUMMARY"]) for event in events}
    assert any(summary.startswith("Seasonal flu") for summary in summaries)
    assert any(summary.startswith("Shingles") for summary in summaries)
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == len(uids)
    again = Calendar.from_ical((await client.get(f"/records/{someone.id}/agenda.ics")).content)
    assert [str(event["UID"]) for event in again.walk("VEVENT")] == uids  # stable
    for event in events:  # all-day events
        start = event.decoded("DTSTART")
        assert isinstance(start, date) and not hasattr(start, "hour")


async def test_a_professional_without_the_vaccinations_section_gets_no_agenda(client, settings):
    someone = await make_patient(first_names="Paul", birth_date=date(1981, 5, 5))
    pro = await signed_pro(client, settings.secret_key)
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    answer = await graphql(client, pro.csrf, AGENDA, {"id": str(someone.id)})
    assert answer["data"]["patient"]["agenda"] is None
    assert answer["errors"][0]["extensions"]["code"] == "CONSENT_REQUIRED"

    await grant(someone, pro.professional, S.VACCINATIONS)
    answer = await graphql(client, pro.csrf, AGENDA, {"id": str(someone.id)})
    assert "errors" not in answer
    assert {"key": "DTP-45Y", "status": "DUE"} in answer["data"]["patient"]["agenda"]["items"]


async def test_a_stranger_gets_not_found(client, settings):
    someone = await make_patient(first_names="Rose")
    stranger = await make_patient(first_names="Xavier")
    await sign_in(client, await Account.get(id=stranger.account_id), settings.secret_key)
    assert (await client.get(f"/records/{someone.id}/agenda")).status_code == 404
    assert (await client.get(f"/records/{someone.id}/agenda.ics")).status_code == 404


async def test_a_professional_with_vaccinations_but_not_identity_gets_no_agenda(client,
                                                                                settings):
    """The agenda's dates tell the age: without the identity section it is refused."""
    someone = await make_patient(first_names="Paul", birth_date=date(1981, 5, 5))
    pro = await signed_pro(client, settings.secret_key)
    await grant(someone, pro.professional, S.VACCINATIONS)
    answer = await graphql(client, pro.csrf, AGENDA, {"id": str(someone.id)})
    assert answer["data"]["patient"]["agenda"] is None
    error = answer["errors"][0]["extensions"]
    assert (error["code"], error["section"]) == ("CONSENT_REQUIRED", "identity")
