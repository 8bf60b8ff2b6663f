"""The summary to print: the essentials of the record on one page, in a useful order."""

from __future__ import annotations

import re
from html import unescape

from api.identity.models import Account, Patient
from api.records.directives import demo as directives_demo
from api.records.entries import demo as entries_demo
from api.records.measurements import demo as measurements_demo
from tests.demo.support import demo_people
from tests.factories import make_patient, sign_in
from tests.records.directives.support import save
from tests.records.measurements.support import Person, signed_in_patient


async def _filled(client, settings, name: str = "Camille") -> tuple[Patient, str]:
    """The summary of a demo person's record (Camille MARTIN, born 14 October 1995)."""
    patient, keeper = (await demo_people())[name]
    for loader in (entries_demo, measurements_demo, directives_demo):
        await loader.load(patient, keeper)
    await sign_in(client, await Account.get(id=keeper), settings.secret_key)
    page = await client.get(f"/records/{patient.id}/summary")
    assert page.status_code == 200
    return patient, unescape(page.text)


def _section(text: str, heading: str) -> str:
    return text.split(f">{heading}</h2>", 1)[1].split("</section>", 1)[0]


async def test_the_summary_starts_with_the_identity_and_the_day_it_was_made(client, settings):
    patient, text = await _filled(client, settings)
    assert "<h1>Synthèse de santé de " in text and "Établie le " in text
    identity = _section(text, "Identité")
    assert "MARTIN Camille Anne" in identity and "14 octobre 1995" in identity
    nir = patient.ins_nir
    assert f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:]} " \
           f"{patient.ins_key}" in identity
    assert "Ctrl+P" in text  # how to print, since there is no print button


async def test_severe_allergies_come_first_and_are_marked_in_words(client, settings):
    _patient, text = await _filled(client, settings)
    allergies = _section(text, "Allergies")
    items = re.findall(r"<li[^>]*>(.*?)</li>", allergies)
    assert len(items) == 2
    assert items[0].startswith('<strong class="tag">Grave</strong> <strong>Pénicillines')
    assert "Pollens" in items[1] and "Grave" not in items[1]


async def test_only_current_treatments_and_conditions_are_listed_as_current(client, settings):
    _patient, text = await _filled(client, settings)
    treatments = _section(text, "Traitements en cours")
    assert "Salbutamol" in treatments and "Symbicort" in treatments
    assert "Azithromycine" not in treatments and "Desloratadine" not in treatments
    history = _section(text, "Maladies et antécédents")
    current = history.split("<h3>Maladies actuelles</h3>", 1)[1].split("<h3>", 1)[0]
    assert "Asthm" in current and "aricel" not in current
    assert "(mère)" in history.split("<h3>Dans la famille</h3>", 1)[1]


async def test_conditions_are_named_in_the_viewers_language(client, settings, french_icd10):
    patient, text = await _filled(client, settings)
    history = _section(text, "Maladies et antécédents")
    assert "<li>Asthme, sans précision (2001)</li>" in history
    assert "<li>Diabète sucré de type 2, sans complication (mère)</li>" in history
    client.cookies.set("carnet_lang", "en")
    english = unescape((await client.get(f"/records/{patient.id}/summary")).text)
    assert "<li>Asthma, unspecified (2001)</li>" in english


async def test_each_vaccine_appears_once_with_its_latest_dose(client, settings):
    _patient, text = await _filled(client, settings)
    vaccinations = _section(text, "Vaccinations (dernière dose de chaque vaccin)")
    labels = [item.split(":")[0] for item in re.findall(r"<li>(.*?)</li>", vaccinations)]
    assert labels and len(labels) == len(set(labels))
    flu = [item for item in re.findall(r"<li>(.*?)</li>", vaccinations) if "rippe" in item]
    assert len(flu) == 1 and "20 octobre" in flu[0]


async def test_directives_trusted_person_and_organ_donation_are_printed(client, settings):
    _patient, text = await _filled(client, settings, "Paule")
    directives = _section(text, "Directives anticipées et personne de confiance")
    assert "acharnement thérapeutique" in directives
    assert "Isabelle ORSINI (fille), " in directives and "0695123478" in directives
    assert "Confirmées pour la dernière fois le" in directives
    assert re.search(r"accepte(?: de donner|, avec des limites)", directives)


async def test_the_latest_main_measurements_are_in_a_table_with_the_bmi(client, settings):
    _patient, text = await _filled(client, settings)
    measurements = _section(text, "Dernières mesures")
    rows = re.findall(r'<th scope="row">(.*?)</th>', measurements)
    assert rows[:4] == ["Poids", "Taille", "Pression artérielle (tension)",
                        "Fréquence cardiaque"]
    assert rows[-1] == "Indice de masse corporelle (IMC)"
    assert "168 cm" in measurements and "mmHg" in measurements


async def test_an_empty_record_says_plainly_that_nothing_is_recorded(client, settings):
    alice: Person = await signed_in_patient(client, settings.secret_key)
    assert alice.patient is not None
    page = unescape((await client.get(f"/records/{alice.patient.id}/summary")).text)
    for sentence in ("Aucune allergie n’est enregistrée.", "Aucun traitement en cours",
                     "Aucune vaccination", "Aucune directive anticipée",
                     "Aucune mesure n’est enregistrée."):
        assert sentence in page


async def test_long_written_wishes_are_cut_with_a_pointer_to_the_record(client, settings):
    alice: Person = await signed_in_patient(client, settings.secret_key)
    assert alice.patient is not None
    await save(alice, advanceDirectives="Je souhaite être soulagée. " * 100)
    page = unescape((await client.get(f"/records/{alice.patient.id}/summary")).text)
    assert "La suite du texte est dans le dossier." in page
    assert page.count("Je souhaite être soulagée.") < 60


async def test_someone_elses_summary_is_not_found(client, settings):
    stranger = await make_patient(birth_name="INCONNU")
    await signed_in_patient(client, settings.secret_key)
    page = await client.get(f"/records/{stranger.id}/summary")
    assert page.status_code == 404 and "INCONNU" not in page.text
