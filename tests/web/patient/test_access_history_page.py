"""The access history page: who, what, when and on what basis, newest first, 10 at a time,
filtered by professional or basis with a plain GET form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api import clock
from api.audit.models import RequestKind
from api.consent.sections import Action, Basis, Section
from tests.factories import make_patient, make_professional
from tests.web.patient.sharing_support import (
    READ_ALLERGIES,
    access_event,
    granted,
    person,
    text_of,
)

MORNING = datetime(2026, 3, 14, 7, 30, tzinfo=UTC)  # 08:30 in Paris


async def test_each_access_says_who_what_when_and_on_what_basis(client, settings):
    patient = await make_patient()
    owner = await person(client, settings.secret_key, patient)
    nurse = await make_professional("nurse", last_name="PETIT")
    await granted(owner, nurse, ["ALLERGIES"])
    with clock.frozen_at(MORNING):
        await (await person(client, settings.secret_key, nurse)).ask(
            READ_ALLERGIES, id=str(patient.id))
    page = await owner.get(owner.url("/access-history"))
    assert page.status_code == 200
    text = text_of(page)
    assert "1 accès" in text
    assert ("Test PETIT , infirmier ou infirmière a consulté : allergies · 14 mars 2026 à 08:30 "
            "· motif : votre autorisation") in text
    assert '<time datetime="2026-03-14T07:30:00+00:00">' in page.text


async def test_emergency_accesses_stand_out_with_words_and_the_reason(client, settings):
    patient = await make_patient()
    urgentist = await make_professional("emergency_physician", last_name="HADDAD")
    account = await urgentist.account
    with clock.frozen_at(MORNING):
        await access_event(patient, account, Basis.EMERGENCY, (), (),
                           RequestKind.EMERGENCY_OPEN, "Malaise à domicile, patiente confuse")
    with clock.frozen_at(MORNING + timedelta(minutes=5)):
        await access_event(patient, account, Basis.EMERGENCY,
                           (Section.TREATMENTS, Section.ALLERGIES))
    owner = await person(client, settings.secret_key, patient)
    page = await owner.get(owner.url("/access-history"))
    assert page.text.count('<li class="event emergency">') == 2
    text = text_of(page)
    assert "Accès d'urgence Test HADDAD , médecin urgentiste a consulté : allergies et " \
           "traitements · 14 mars 2026 à 08:35" in text
    assert "a ouvert un accès d'urgence au dossier" in text
    assert "Raison donnée : Malaise à domicile, patiente confuse" in text
    # Newest first.
    assert text.index("a consulté : allergies") < text.index("a ouvert un accès d'urgence")


async def test_a_parents_and_a_deposits_accesses_are_named_plainly(client, settings):
    parent = await make_patient(first_names="Camille")
    child = await make_patient(first_names="Léo", account=False, birth_date=date(2015, 3, 2),
                               guardian=await parent.account)
    lab = await make_professional("physician", last_name="LABO")
    await access_event(child, await lab.account, Basis.DEPOSIT, (Section.DOCUMENTS,),
                       (Action.DEPOSIT,), RequestKind.DEPOSIT)
    owner = await person(client, settings.secret_key, parent)
    await owner.get(owner.url("", patient=child))  # the parent reads the child's record
    text = text_of(await owner.get(owner.url("/access-history", patient=child)))
    assert "Test LABO , médecin a déposé un document dans le dossier" in text
    assert "Camille TESTON a consulté" in text and "motif : parent" in text


async def _history_with_two_professionals(client, settings):
    patient = await make_patient()
    nurse = await make_professional("nurse", last_name="PETIT")
    doctor = await make_professional("physician", last_name="BERNARD")
    owner = await person(client, settings.secret_key, patient)
    await granted(owner, nurse, ["ALLERGIES"])
    for _ in range(3):
        await access_event(patient, await nurse.account, Basis.GRANT)
    await access_event(patient, await doctor.account, Basis.TREATING_DOCTOR,
                       (Section.HISTORY,), (Action.READ, Action.WRITE))
    return owner, nurse, doctor


async def test_the_history_is_filtered_by_basis_without_javascript(client, settings):
    owner, _, _ = await _history_with_two_professionals(client, settings)
    page = await owner.get(owner.url("/access-history?basis=TREATING_DOCTOR"))
    text = text_of(page)
    assert "1 accès correspond" in text and "BERNARD" in text and "PETIT ," not in text
    assert "a consulté et modifié : antécédents" in text
    assert '<option value="TREATING_DOCTOR" selected>' in page.text
    assert "Tout afficher" in text


async def test_the_history_is_filtered_by_professional(client, settings):
    owner, nurse, _ = await _history_with_two_professionals(client, settings)
    page = await owner.get(owner.url(f"/access-history?professional={nurse.id}"))
    text = text_of(page)
    assert "3 accès correspondent" in text and "BERNARD ," not in text
    assert f'<option value="{nurse.id}" selected>Test PETIT, infirmier ou infirmière</option>' \
        in page.text


async def test_a_filter_nobody_matches_says_so(client, settings):
    owner, _, _ = await _history_with_two_professionals(client, settings)
    text = text_of(await owner.get(owner.url("/access-history?basis=APP")))
    assert "Aucun accès ne correspond à ces filtres." in text


async def test_the_history_comes_ten_at_a_time_newest_first(client, settings):
    patient = await make_patient()
    nurse = await make_professional("nurse")
    for day in range(12):
        with clock.frozen_at(MORNING + timedelta(days=day)):
            await access_event(patient, await nurse.account, Basis.GRANT)
    owner = await person(client, settings.secret_key, patient)
    first = await owner.get(owner.url("/access-history?basis=GRANT"))
    assert first.text.count('<li class="event">') == 10
    assert "25 mars 2026" in text_of(first) and "15 mars 2026" not in text_of(first)
    link = first.text.split("Accès plus anciens")[0].rsplit('href="', 1)[1].split('"')[0]
    assert "basis=GRANT" in link  # the filter stays on the next page
    older = await owner.get(link.replace("&amp;", "&"))
    assert older.text.count('<li class="event">') == 2
    assert "15 mars 2026" in text_of(older) and "Accès les plus récents" in text_of(older)


async def test_a_cursor_we_did_not_give_leads_back_to_the_first_page(client, settings):
    owner = await person(client, settings.secret_key, await make_patient())
    answer = await owner.get(owner.url("/access-history?after=nonsense&basis=GRANT"))
    assert answer.status_code == 303
    assert answer.headers["location"] == owner.url("/access-history?basis=GRANT")


async def test_dates_are_written_in_the_viewers_language(client, settings):
    patient = await make_patient()
    with clock.frozen_at(MORNING):
        await access_event(patient, await (await make_professional("nurse")).account, Basis.GRANT)
    owner = await person(client, settings.secret_key, patient)
    client.cookies.set("carnet_lang", "en")
    text = text_of(await owner.get(owner.url("/access-history")))
    client.cookies.delete("carnet_lang")
    assert "March 14, 2026 at 08:30" in text and "basis: your authorisation" in text


async def test_a_strangers_history_is_not_found(client, settings):
    other = await make_patient()
    stranger = await person(client, settings.secret_key, await make_patient())
    assert (await stranger.get(stranger.url("/access-history", patient=other))).status_code == 404


async def test_a_professional_never_sees_a_patients_history(client, settings):
    patient = await make_patient()
    owner = await person(client, settings.secret_key, patient)
    nurse = await make_professional("nurse")
    await granted(owner, nurse, ["IDENTITY", "ALLERGIES"])
    professional = await person(client, settings.secret_key, nurse)
    assert (await professional.get(owner.url("/access-history"))).status_code == 403


async def test_a_refused_break_glass_and_a_lookup_are_in_the_history(client, settings):
    patient = await make_patient()
    owner = await person(client, settings.secret_key, patient)
    await owner.ask("""mutation($p: ID!) { setEmergencyAccessOpposition(patientId: $p,
        opposed: true) { emergencyAccessOpposed } }""", p=str(patient.id))
    urgentist = await person(client, settings.secret_key,
                             await make_professional("emergency_physician", last_name="HADDAD"))
    traits = {"ins": patient.ins_nir + patient.ins_key,
              "birthDate": patient.birth_date.isoformat()}
    refused = await urgentist.ask("""mutation($ins: String!, $birthDate: Date!) {
        openEmergencyAccess(ins: $ins, birthDate: $birthDate,
                            reason: "Inconsciente, aucun proche joignable") {
          userErrors { code } } }""", **traits)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    nurse = await person(client, settings.secret_key,
                         await make_professional("nurse", last_name="PETIT"))
    await nurse.ask("""query($ins: String!, $birthDate: Date!) {
        findPatient(ins: $ins, birthDate: $birthDate) { handle } }""", **traits)
    text = text_of(await owner.get(owner.url("/access-history")))
    assert ("Test HADDAD , médecin urgentiste a tenté d'ouvrir un accès d'urgence au dossier : "
            "refusé, car vous vous opposez à l'accès en cas d'urgence") in text
    # Nothing was opened, so no row keeps the reason sealed: the history does not copy it.
    assert "Inconsciente, aucun proche joignable" not in text and "Raison donnée" not in text
    assert ("Test PETIT , infirmier ou infirmière a trouvé le dossier par son INS et sa date de "
            "naissance") in text
