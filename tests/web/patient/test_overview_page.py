"""The overview of a record: what is in it, the latest accesses, the notifications and who
can see it; marking notifications read with and without htmx."""

from __future__ import annotations

from datetime import UTC, datetime

from api import clock
from api.consent.sections import Action, Basis, Section
from tests.factories import make_patient, make_professional
from tests.web.patient.sharing_support import (
    READ_ALLERGIES,
    access_event,
    granted,
    person,
    text_of,
)

ADD_ALLERGY = """
mutation ($id: ID!, $substance: String!) {
  addAllergy(input: {patientId: $id, substance: $substance}) { userErrors { code } }
}
"""
OPEN_EMERGENCY = """
mutation ($ins: String!, $birthDate: Date!) { openEmergencyAccess(ins: $ins,
  birthDate: $birthDate, reason: "Malaise à domicile, patiente inconsciente") {
  userErrors { code } } }
"""
DESIGNATE = """
mutation ($id: ID!, $pro: ID!) { designateTreatingDoctor(patientId: $id, professionalId: $pro) {
  userErrors { code } } }
"""


async def test_the_overview_counts_each_section_and_links_to_its_page(client, settings):
    owner = await person(client, settings.secret_key, await make_patient(first_names="Alice"))
    for substance in ("Pénicilline", "Latex"):
        await owner.ask(ADD_ALLERGY, id=str(owner.patient.id), substance=substance)
    page = await owner.get(owner.url())
    assert page.status_code == 200
    text = text_of(page)
    assert "Dossier de Alice TESTON" in text
    assert f'<a href="{owner.url("/allergies")}">Allergies</a>' in page.text
    assert "Allergies 2 éléments" in text and "Antécédents 0 élément" in text
    assert "Directives anticipées rien de renseigné" in text
    assert "Aucun document pour l'instant." in text


async def test_the_overview_says_who_can_see_the_record_now(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    doctor = await make_professional("physician", last_name="BERNARD")
    await owner.ask(DESIGNATE, id=str(owner.patient.id), pro=str(doctor.id))
    await granted(owner, await make_professional("nurse"), ["ALLERGIES"])
    await granted(owner, await make_professional("pharmacist"), ["TREATMENTS"])
    page = await owner.get(owner.url())
    text = text_of(page)
    assert ("Médecin traitant : Test BERNARD, qui voit toutes les rubriques, y compris les "
            "documents masqués.") in text
    assert "2 professionnels peuvent le voir grâce à votre autorisation." in text
    assert "Accès en cas d'urgence : autorisé" in text
    assert f'href="{owner.url("/sharing")}">Gérer le partage' in page.text


async def test_an_emergency_access_is_marked_in_words_not_only_in_colour(client, settings):
    patient = await make_patient()
    urgentist = await make_professional("emergency_physician", last_name="HADDAD")
    doctor = await person(client, settings.secret_key, urgentist)
    with clock.frozen_at(datetime(2026, 3, 14, 7, 30, tzinfo=UTC)):
        assert (await doctor.ask(OPEN_EMERGENCY, ins=patient.ins_nir + patient.ins_key,
                                 birthDate=patient.birth_date.isoformat()))["data"][
            "openEmergencyAccess"]["userErrors"] == []
        await doctor.ask(READ_ALLERGIES, id=str(patient.id))
    owner = await person(client, settings.secret_key, patient)
    page = await owner.get(owner.url())
    text = text_of(page)
    assert '<li class="event emergency">' in page.text
    assert "Accès d'urgence Test HADDAD , médecin urgentiste a consulté : allergies" in text
    assert "14 mars 2026 à 08:30" in text


async def test_the_latest_five_accesses_by_others_are_listed(client, settings):
    patient = await make_patient()
    nurse = await make_professional("nurse", last_name="PETIT")
    for _ in range(7):
        await access_event(patient, await nurse.account, Basis.GRANT,
                           (Section.ALLERGIES, Section.MEASUREMENTS), (Action.READ, Action.WRITE))
    owner = await person(client, settings.secret_key, patient)
    page = await owner.get(owner.url())
    assert page.text.count('<li class="event">') == 5
    assert "a consulté et modifié : allergies et mesures" in text_of(page)


async def _with_a_notification(client, settings):
    patient = await make_patient()
    urgentist = await person(client, settings.secret_key,
                             await make_professional("emergency_physician"))
    await urgentist.ask(OPEN_EMERGENCY, ins=patient.ins_nir + patient.ins_key,
                        birthDate=patient.birth_date.isoformat())
    return await person(client, settings.secret_key, patient)


async def test_unread_notifications_are_marked_read_without_javascript(client, settings):
    owner = await _with_a_notification(client, settings)
    page = await owner.get(owner.url())
    assert "1 nouvelle notification" in text_of(page)
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    done = await owner.post(owner.url("/notifications/read"), {"ids": ids})
    assert done.status_code == 303
    assert done.headers["location"] == owner.url("?done=read#notifications-h")
    after = text_of(await owner.get(owner.url("?done=read")))
    assert "nouvelle notification" not in after
    assert "C'est fait : les notifications sont marquées comme lues." in after


async def test_unread_notifications_are_marked_read_in_place_with_htmx(client, settings):
    owner = await _with_a_notification(client, settings)
    page = await owner.get(owner.url())
    ids = page.text.split('name="ids" value="')[1].split('"')[0]
    fragment = await owner.post(owner.url("/notifications/read"), {"ids": ids}, htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<p id="overview-status" hx-swap-oob="innerHTML">')
    assert "marquées comme lues" in text_of(fragment) and "Marquer comme lu" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


async def test_marking_nothing_read_is_refused_with_a_message(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    refused = await owner.post(owner.url("/notifications/read"), {})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text and "aucune notification" in text_of(refused)
    in_place = await owner.post(owner.url("/notifications/read"), {}, htmx=True)
    assert in_place.status_code == 400 and "<html" not in in_place.text
    assert "aucune notification" in text_of(in_place)


async def test_marking_read_needs_the_csrf_token(client, settings):
    owner = await _with_a_notification(client, settings)
    refused = await owner.post(owner.url("/notifications/read"), {"ids": "1"}, csrf=False)
    assert refused.status_code == 403
    assert "1 nouvelle notification" in text_of(await owner.get(owner.url()))


async def test_a_strangers_record_is_not_found(client, settings):
    other = await make_patient()
    stranger = await person(client, settings.secret_key, await make_patient())
    assert (await stranger.get(stranger.url(patient=other))).status_code == 404
    posted = await stranger.post(stranger.url("/notifications/read", patient=other), {"ids": "1"})
    assert posted.status_code == 404


async def test_a_parent_sees_the_switch_between_their_record_and_their_childs(client, settings):
    parent = await make_patient(first_names="Camille")
    child = await make_patient(first_names="Léo", account=False,
                               birth_date=datetime(2015, 3, 2).date(),
                               guardian=await parent.account)
    owner = await person(client, settings.secret_key, parent)
    page = await owner.get(owner.url("", patient=child))
    assert page.status_code == 200
    text = text_of(page)
    assert "Dossiers que je gère" in text and "Dossier de Léo TESTON" in text
    assert (f'<a href="/records/{parent.id}">Camille TESTON '
            '<span class="tag">moi</span>') in page.text
    assert (f'<a href="/records/{child.id}" aria-current="page">Léo TESTON '
            '<span class="tag">enfant</span>') in page.text


async def test_the_overview_speaks_english_when_asked(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    client.cookies.set("carnet_lang", "en")
    text = text_of(await owner.get(owner.url()))
    assert "What is in the record" in text and "Who can see this record" in text
    client.cookies.delete("carnet_lang")


async def test_a_professional_has_no_patient_overview(client, settings):
    patient = await make_patient()
    professional = await person(client, settings.secret_key, await make_professional("nurse"))
    assert (await professional.get(f"/records/{patient.id}")).status_code == 403
