"""Demo documents: each demo person's own, loaded once, through the same checks as any upload."""

from __future__ import annotations

from api import clock
from api.identity.models import Professional
from api.interop.terminology.documents import document_type
from api.records.documents import demo
from api.records.documents.models import Document
from api.settings import Settings
from tests.demo.support import demo_people
from tests.records.documents.helpers import stored_files


async def test_each_demo_person_gets_their_own_documents_once(db: None, settings: Settings):
    before = await stored_files(settings)
    titles = {}
    for name, (patient, keeper) in (await demo_people()).items():
        added = await demo.load(patient, keeper, settings)
        assert added > 0 and await demo.load(patient, keeper, settings) == 0
        documents = await Document.filter(patient_id=patient.id)
        assert len(documents) == added
        for document in documents:
            concept = document_type(document.type_code)
            assert concept is not None and document.category == concept.category
            assert patient.birth_date <= document.document_date <= clock.now().date()
        titles[name] = {d.title for d in documents}
    assert len((await stored_files(settings)) - before) == sum(map(len, titles.values()))
    assert "Consultation de cardiologie" in titles["Jean"]
    assert "Passage aux urgences : hypoglycémie" in titles["Paule"]
    assert not titles["Camille"] & titles["Léo"]


async def test_the_prescription_of_camilles_consultation_is_her_doctors(db: None,
                                                                     settings: Settings):
    patient, camille = (await demo_people())["Camille"]
    await demo.load(patient, camille, settings)
    bernard = await Professional.get(last_name="BERNARD")
    authors = {d.title: d.created_by_id for d in await Document.filter(patient_id=patient.id)}
    assert authors.pop("Ordonnance : traitement de l'asthme") == bernard.account_id
    assert set(authors.values()) == {camille}
