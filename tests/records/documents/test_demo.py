"""Demo documents load once, and go through the same checks as any upload."""

from __future__ import annotations

from api.records.documents import demo
from api.records.documents.models import Document
from api.settings import Settings
from tests.factories import make_patient
from tests.records.documents.helpers import stored_files


async def test_demo_documents_are_loaded_once(db: None, settings: Settings):
    patient = await make_patient()
    before = (await stored_files(settings))
    await demo.load(patient, patient.account_id or 0, settings)
    await demo.load(patient, patient.account_id or 0, settings)
    documents = await Document.filter(patient_id=patient.id).order_by("-document_date")
    assert [(d.type_code, d.content_type) for d in documents] == [
        ("57833-6", "application/pdf"), ("11502-2", "application/pdf"),
        ("52040-3", "image/png"), ("11490-0", "application/pdf")]
    assert len((await stored_files(settings)) - before) == 4
    assert documents[0].title == "Ordonnance : antibiotique"
