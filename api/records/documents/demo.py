"""Demo documents: each demo person's reports, prescriptions and pictures. Idempotent.

The files are generated (api/records/documents/samples.py) and go through the same checks and
storage as any upload, with the document type codes of the French shared record
(api/interop/data/document_types.tsv). The keeper of the record added them, except the
prescription Dr BERNARD filed at Camille's consultation. Their dates follow today, so a
document is known by its file name: one the patient already has is not added again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from api import clock
from api.identity import demo as people
from api.identity.models import Patient
from api.records.documents.models import Document
from api.records.documents.samples import pdf, png
from api.records.documents.services import DocumentDetails, add_document
from api.records.documents.storage import storage_for
from api.settings import Settings

LAB, PRESCRIPTION, CONSULTATION, DIAGNOSTIC = "11502-2", "57833-6", "11488-4", "70004-7"
IMAGING, CHILD_EXAM, EMERGENCY_VISIT, PICTURE = "18748-4", "59283-2", "15507-7", "52040-3"


@dataclass(frozen=True)
class DemoDocument:
    filename: str
    title: str
    type_code: str
    document_date: date
    content: bytes
    by: str | None = None  # the professional (RPPS) who filed it, else the keeper
    written: tuple[int, int, int] | None = None  # when they did (api.identity.demo)


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def camille(_born: date, today: date) -> list[DemoDocument]:
    lab, seen = today - timedelta(days=2), today - timedelta(days=5)
    breathing = today - timedelta(days=540)
    return [
        DemoDocument("bilan-sanguin.pdf", "Bilan sanguin", LAB, lab, pdf(
            "Compte rendu de biologie médicale", [
                "Laboratoire de biologie médicale des Halles, Lyon",
                f"Prélèvement du {_day(lab)} à 8 h 10, à jeun", "",
                "Hémoglobine ............ 11,9 g/dL     (12,0 - 16,0)",
                "Ferritine .............. 14 µg/L       (15 - 150)",
                "Leucocytes ............. 6,4 G/L       (4,0 - 10,0)",
                "Glycémie à jeun ........ 0,92 g/L      (0,70 - 1,10)",
                "TSH .................... 1,8 mUI/L     (0,4 - 4,0)", "",
                "Ferritine et hémoglobine un peu basses : carence en fer."])),
        DemoDocument("ordonnance-asthme.pdf", "Ordonnance : traitement de l'asthme",
                     PRESCRIPTION, seen, pdf("Ordonnance", [
                         "Dr Sophie BERNARD, médecine générale, Cabinet du Parc, Lyon",
                         f"Le {_day(seen)}", "",
                         "Budésonide/formotérol 200/6 µg (Symbicort Turbuhaler)",
                         "1 inhalation matin et soir. 6 mois.", "",
                         "Salbutamol 100 µg/dose (Ventoline)",
                         "1 à 2 bouffées si gêne respiratoire. 2 flacons.", "",
                         "Bilan sanguin : NFS, ferritine, TSH."]),
                     by=people.BERNARD, written=people.CAMILLE_CONSULTATION),
        DemoDocument("efr.pdf", "Explorations fonctionnelles respiratoires", DIAGNOSTIC,
                     breathing, pdf("Explorations fonctionnelles respiratoires", [
                         "Dr Nguyen, pneumologue, Hôpital de la Croix-Rousse, Lyon",
                         f"Examen du {_day(breathing)}", "",
                         "VEMS 2,95 L (94 % de la théorique), CVF 3,60 L.",
                         "Réversibilité après salbutamol : + 9 %.",
                         "Asthme contrôlé sous traitement de fond."])),
        DemoDocument("photo-eruption.png", "Photo de l'éruption au bras", PICTURE,
                     today - timedelta(days=150), png(64, 48, (205, 125, 115))),
    ]


def leo(born: date, today: date) -> list[DemoDocument]:
    check_up, wrist = date(born.year + 11, 4, 14), date(born.year + 9, 6, 8)
    return [
        DemoDocument("examen-11-ans.pdf", "Examen de santé des 11 ans", CHILD_EXAM, check_up,
                     pdf("Examen de l'enfant", [
                         "Dr Lucas, pédiatre, Paris 15e", f"Le {_day(check_up)}", "",
                         "Taille 144 cm, poids 35 kg : croissance régulière.",
                         "Asthme bien contrôlé, pas de crise depuis l'automne.",
                         "Vaccins à jour ; papillomavirus 1re dose faite ce jour.",
                         "Vue et audition normales."])),
        DemoDocument("radio-poignet.pdf", "Radiographie du poignet gauche", IMAGING, wrist,
                     pdf("Compte rendu d'imagerie", [
                         "Service d'imagerie pédiatrique, Hôpital Necker, Paris",
                         f"Le {_day(wrist)}", "",
                         "Fracture en motte de beurre de l'extrémité inférieure du radius.",
                         "Pas de déplacement. Immobilisation par plâtre."])),
    ]


def jean(_born: date, today: date) -> list[DemoDocument]:
    visit, lab = today - timedelta(days=95), today - timedelta(days=101)
    return [
        DemoDocument("consultation-cardiologie.pdf", "Consultation de cardiologie",
                     CONSULTATION, visit, pdf("Compte rendu de consultation", [
                         "Dr Paul LEFÈVRE, cardiologue, Clinique du Tonkin, Villeurbanne",
                         f"Consultation du {_day(visit)}", "",
                         "Fibrillation auriculaire paroxystique, pas de récidive.",
                         "ECG : rythme sinusal, 62/min. Pression artérielle 134/80.",
                         "Poursuite de l'apixaban 5 mg x 2 et du bisoprolol 2,5 mg.",
                         "LDL 0,98 g/L : objectif atteint. Revoir dans un an."])),
        DemoDocument("ecg.pdf", "Électrocardiogramme", DIAGNOSTIC, visit, pdf(
            "Électrocardiogramme de repos", [
                f"Le {_day(visit)}", "Rythme sinusal régulier, 62/min.",
                "PR 180 ms, QRS fins, pas de trouble de la repolarisation."])),
        DemoDocument("bilan-lipidique.pdf", "Bilan sanguin", LAB, lab, pdf(
            "Compte rendu de biologie médicale", [
                "Laboratoire de biologie médicale Bellecour, Lyon",
                f"Prélèvement du {_day(lab)}, à jeun", "",
                "Cholestérol LDL ........ 0,98 g/L      (< 1,00 si traité)",
                "Créatinine ............. 92 µmol/L     DFG 72 mL/min/1,73 m²",
                "Potassium .............. 4,3 mmol/L    (3,5 - 5,0)",
                "Hémoglobine ............ 14,6 g/dL     (13,0 - 17,0)"])),
    ]


def paule(_born: date, today: date) -> list[DemoDocument]:
    emergency = today - timedelta(days=people.EMERGENCY_OPENED[0])
    hba1c, bones = today - timedelta(days=70), today - timedelta(days=700)
    return [
        DemoDocument("urgences.pdf", "Passage aux urgences : hypoglycémie", EMERGENCY_VISIT,
                     emergency, pdf("Compte rendu de passage aux urgences", [
                         "Urgences, CHU de Lyon", f"Le {_day(emergency)}", "",
                         "Malaise à domicile, confusion. Glycémie capillaire 0,45 g/L.",
                         "Resucrage par le SAMU, récupération complète.",
                         "Hypoglycémie sous gliclazide : arrêt du gliclazide.",
                         "Retour à domicile ; voir le médecin traitant sous 3 jours."])),
        DemoDocument("hemoglobine-glyquee.pdf", "Bilan sanguin : diabète", LAB, hba1c, pdf(
            "Compte rendu de biologie médicale", [
                "Laboratoire de biologie médicale des Halles, Lyon",
                f"Prélèvement du {_day(hba1c)}, à jeun", "",
                "Hémoglobine glyquée (HbA1c) .. 6,6 %",
                "Glycémie à jeun .............. 1,18 g/L",
                "Créatinine ................... 78 µmol/L   DFG 65 mL/min/1,73 m²",
                "TSH .......................... 2,1 mUI/L"])),
        DemoDocument("osteodensitometrie.pdf", "Ostéodensitométrie", IMAGING, bones, pdf(
            "Compte rendu d'ostéodensitométrie", [
                "Cabinet de radiologie Saxe, Lyon", f"Le {_day(bones)}", "",
                "Rachis lombaire : T-score -2,7. Col du fémur : T-score -2,1.",
                "Ostéoporose lombaire, en légère amélioration sous traitement."])),
    ]


STORIES: dict[str, Callable[[date, date], list[DemoDocument]]] = {
    people.CAMILLE: camille, people.LEO: leo, people.JEAN: jean, people.PAULE: paule,
}


def _added_on(day: date, now: datetime) -> datetime:
    """When the keeper added a document: on opening the record, or the evening it came."""
    evening = datetime.combine(day, time(19, 0), tzinfo=UTC)
    return min(max(now - timedelta(days=people.JOINED_DAYS_AGO), evening),
               now - timedelta(hours=1))


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def load(patient: Patient, keeper_account_id: int, settings: Settings) -> int:
    """Give a demo person the documents of their story they do not have yet; how many."""
    story = STORIES.get(patient.ins_nir)
    if story is None:
        return 0
    storage = storage_for(settings)
    now = clock.now()
    documents = [d for d in story(patient.birth_date, now.date())
                 if d.document_date <= now.date()]
    authors = await people.professional_accounts(*{d.by for d in documents if d.by})
    added = 0
    # File names are sealed (api/identity/sealed.py): compared here, not in SQL.
    present = {document.original_filename
               for document in await Document.filter(patient_id=patient.id)}
    for demo in documents:
        if demo.filename in present:
            continue
        author, written = keeper_account_id, _added_on(demo.document_date, now)
        if demo.by is not None and demo.written is not None:
            if demo.by not in authors:
                continue
            author, written = authors[demo.by], people.moment(now, demo.written)
        with clock.frozen_at(written):
            await add_document(
                storage, patient_id=patient.id, author_account_id=author,
                content=_chunks(demo.content), filename=demo.filename,
                details=DocumentDetails(demo.title, demo.type_code, demo.document_date))
        added += 1
    return added
