"""Demo documents: a lab report, a prescription, a discharge letter and a photo. Idempotent.

The files are generated (api/records/documents/samples.py) and go through the same checks and
storage as any upload; a document whose bytes the patient already has is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from api.identity.models import Patient
from api.records.documents.models import Document
from api.records.documents.samples import pdf, png
from api.records.documents.services import DocumentDetails, add_document
from api.records.documents.storage import storage_for
from api.settings import Settings


@dataclass(frozen=True)
class DemoDocument:
    filename: str
    title: str
    type_code: str
    document_date: date
    content: bytes


DOCUMENTS = (
    DemoDocument(
        "bilan-sanguin.pdf", "Bilan sanguin", "11502-2", date(2025, 9, 12),
        pdf("Compte rendu de biologie médicale", [
            "Laboratoire de biologie médicale des Halles, Lyon",
            "Prélèvement du 12/09/2025 à 8 h 10, à jeun",
            "",
            "Hémoglobine ............ 13,8 g/dL     (12,0 - 16,0)",
            "Leucocytes ............. 6,4 G/L       (4,0 - 10,0)",
            "Glycémie à jeun ........ 0,92 g/L      (0,70 - 1,10)",
            "Cholestérol total ...... 1,85 g/L      (< 2,00)",
            "Créatinine ............. 68 µmol/L     (45 - 90)",
            "",
            "Résultats dans les valeurs de référence.",
        ]),
    ),
    DemoDocument(
        "ordonnance.pdf", "Ordonnance : antibiotique", "57833-6", date(2025, 11, 3),
        pdf("Ordonnance", [
            "Dr Sophie BERNARD, médecine générale, Cabinet du Parc, Lyon",
            "Le 03/11/2025",
            "",
            "Amoxicilline 1 g, comprimés",
            "1 comprimé matin et soir pendant 6 jours.",
            "",
            "Paracétamol 1 g, comprimés",
            "1 comprimé jusqu'à 3 fois par jour si douleur ou fièvre.",
        ]),
    ),
    DemoDocument(
        "lettre-de-sortie.pdf", "Lettre de liaison : sortie de chirurgie ambulatoire",
        "11490-0", date(2024, 6, 20),
        pdf("Lettre de liaison à la sortie", [
            "Service de chirurgie ambulatoire, Hôpital Saint-Luc, Lyon",
            "Séjour du 20/06/2024 : arthroscopie du genou droit.",
            "",
            "Suites simples. Appui autorisé avec deux cannes pendant 10 jours.",
            "Traitement de sortie : paracétamol si douleur ; glace 3 fois par jour.",
            "Consultation de contrôle dans 6 semaines.",
        ]),
    ),
    DemoDocument(
        "photo-eruption.png", "Photo de l'éruption au bras", "52040-3", date(2025, 7, 1),
        png(64, 48, (205, 125, 115)),
    ),
)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def load(patient: Patient, author_account_id: int, settings: Settings) -> None:
    """Give `patient` the demo documents they do not have yet."""
    storage = storage_for(settings)
    for demo in DOCUMENTS:
        digest = hashlib.sha256(demo.content).hexdigest()
        if await Document.exists(patient_id=patient.id, sha256=digest):
            continue
        await add_document(
            storage, patient_id=patient.id, author_account_id=author_account_id,
            content=_chunks(demo.content), filename=demo.filename,
            details=DocumentDetails(demo.title, demo.type_code, demo.document_date),
        )
