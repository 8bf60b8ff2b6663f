"""The demo as a first visitor meets it: each demo person signs in and finds their own story.

Read through the pages, as a person reads them: the overview, the sections, who wrote what.
"""

from __future__ import annotations

import httpx
import pytest

from api.demo import PATIENTS, load_demo, load_records
from api.identity.models import Account, Patient
from api.settings import Settings
from tests.factories import sign_in
from tests.web.patient.sharing_support import text_of

EMAIL = {"Camille": "camille@demo.carnet.invalid", "Jean": "jean@demo.carnet.invalid",
         "Paule": "paule@demo.carnet.invalid"}


class Visitor:
    """One demo person's keeper, signed in, reading that person's pages."""

    def __init__(self, client: httpx.AsyncClient, patient: Patient) -> None:
        self.client, self.patient = client, patient

    async def read(self, section: str = "") -> str:
        page = await self.client.get(f"/records/{self.patient.id}{section}")
        assert page.status_code == 200, (section, page.status_code)
        return text_of(page)


@pytest.fixture
async def demo(db: None, settings: Settings) -> None:
    await load_demo()
    await load_records(settings)


async def _visitor(client: httpx.AsyncClient, settings: Settings, first_name: str) -> Visitor:
    [person] = [p for p in PATIENTS if p.first_names.split()[0] == first_name]
    patient = await Patient.get(ins_nir=person.nir)
    keeper = await Account.get(email=person.guardian_email or person.email)
    await sign_in(client, keeper, settings.secret_key)
    return Visitor(client, patient)


def _part(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


async def test_each_overview_shows_a_different_record(demo: None, client: httpx.AsyncClient,
                                                      settings: Settings) -> None:
    seen = {}
    for name in ("Camille", "Léo", "Jean", "Paule"):
        overview = await (await _visitor(client, settings, name)).read()
        seen[name] = _part(overview, "Ce que contient le dossier", "Qui peut voir ce dossier")
    assert len(set(seen.values())) == 4, seen
    assert "Bilan sanguin" in seen["Camille"]
    assert "Examen de santé des 11 ans" in seen["Léo"]
    assert "Directives anticipées rien de renseigné" in seen["Léo"]  # a minor has none
    assert "Consultation de cardiologie" in seen["Jean"]
    assert "Passage aux urgences : hypoglycémie" in seen["Paule"]
    # The young mother's ski sprain and rash photo are hers alone.
    for name in ("Léo", "Jean", "Paule"):
        assert "éruption" not in seen[name]


async def test_camille_has_asthma_an_allergy_to_penicillin_and_iron(
        demo: None, client: httpx.AsyncClient, settings: Settings) -> None:
    camille = await _visitor(client, settings, "Camille")
    history = await camille.read("/history")
    assert "Code CIM-10 J45.9" in history and "Code CIM-10 D50.9" in history
    assert "Entorse de la cheville droite au ski" in history
    assert "Pénicillines" in await camille.read("/allergies")
    treatments = await camille.read("/treatments")
    assert "Symbicort" in treatments and "Tardyferon" in treatments
    assert "Apixaban" not in treatments and "Metformine" not in treatments


async def test_leo_has_a_childs_record_asthma_vaccinations_and_growth(
        demo: None, client: httpx.AsyncClient, settings: Settings) -> None:
    leo = await _visitor(client, settings, "Léo")
    history = await leo.read("/history")
    assert "Code CIM-10 J21.9" in history and "Code CIM-10 J45.9" in history
    assert "Carence en fer" not in history and "ski" not in history
    assert "Ventoline" in await leo.read("/treatments")
    vaccinations = await leo.read("/vaccinations")
    assert "Hexavalent DTCaP-Hib-HepB" in vaccinations and "ROR" in vaccinations
    assert "Papillomavirus" in vaccinations and "Grippe" not in vaccinations
    measurements = await leo.read("/measurements")
    assert "Périmètre crânien" in measurements and "Taille" in measurements


async def test_jean_has_a_heart_history_its_treatments_and_home_readings(
        demo: None, client: httpx.AsyncClient, settings: Settings) -> None:
    jean = await _visitor(client, settings, "Jean")
    history = await jean.read("/history")
    for code in ("I10", "I48.0", "E78.0"):
        assert f"Code CIM-10 {code}" in history
    assert "Asthme" not in history
    treatments = await jean.read("/treatments")
    current = _part(treatments, "Traitements Jean DUPONT", "Amlodipine")
    for medicine in ("Apixaban", "Bisoprolol", "Ramipril", "Atorvastatine"):
        assert medicine in current
    assert "Ventoline" not in treatments
    measurements = await jean.read("/measurements")
    assert "Pression artérielle (tension)" in measurements and "Poids" in measurements
    vaccinations = await jean.read("/vaccinations")
    assert "Zona" in vaccinations and "Grippe" in vaccinations


async def test_paule_has_diabetes_osteoporosis_and_her_recent_hypoglycaemia(
        demo: None, client: httpx.AsyncClient, settings: Settings) -> None:
    paule = await _visitor(client, settings, "Paule")
    history = await paule.read("/history")
    for code in ("E11.9", "M81.0", "E16.0"):
        assert f"Code CIM-10 {code}" in history
    treatments = await paule.read("/treatments")
    assert "Metformine" in treatments and "Acide alendronique" in treatments
    assert "Arrêté après l'hypoglycémie" in treatments
    vaccinations = await paule.read("/vaccinations")
    assert "Grippe saisonnière" in vaccinations and "COVID-19" in vaccinations
    assert "Glycémie" in await paule.read("/measurements")
    overview = await paule.read()
    assert "Karim HADDAD" in overview and "a ouvert un accès d'urgence" in overview


async def test_what_a_professional_wrote_names_them_not_the_patient(
        demo: None, client: httpx.AsyncClient, settings: Settings) -> None:
    camille = await _visitor(client, settings, "Camille")
    treatments = await camille.read("/treatments")
    symbicort = _part(treatments, "Budésonide/formotérol", "Modifier")
    assert "Ajouté par Dr Sophie BERNARD le " in symbicort
    ventoline = _part(treatments, "Salbutamol", "Modifier")
    assert "Ajouté par vous le " in ventoline
    documents = await camille.read("/documents")
    assert "ajouté par Sophie BERNARD (médecin)" in _part(
        documents, "Ordonnance : traitement de l'asthme", "Photo de l'éruption")
    assert "ajouté par Camille MARTIN" in _part(documents, "Bilan sanguin", "Ordonnance")
    history = await camille.read("/access-history")
    assert "Sophie BERNARD , médecin a consulté et modifié" in history

    jean = await _visitor(client, settings, "Jean")
    allergies = await jean.read("/allergies")
    assert "Produits de contraste iodés" in allergies
    assert "Ajouté par Dr Sophie BERNARD le " in allergies
    treatments = await jean.read("/treatments")
    assert "Ajouté par Dr Sophie BERNARD le " in _part(treatments, "Atorvastatine", "Modifier")
    assert "Ajouté par vous le " in _part(treatments, "Apixaban", "Modifier")
