"""Demo entries: a plausible French record (history, allergies, treatments, vaccinations).

Dates follow the patient's birth date (the vaccination calendar of their generation) and
nothing lies in the future. Every entry goes through the same validation as the API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from api.dates import months_after, years_after
from api.identity.models import Patient
from api.records.entries import validation
from api.records.entries.models import (
    Allergy,
    Criticality,
    HistoryEntry,
    HistoryKind,
    Relative,
    Severity,
    Treatment,
    Vaccination,
)
from api.records.entries.validation import Values
from api.records.provenance import stamp_created

DOCTOR = "Dr Bernard, médecin traitant"
PAEDIATRICIAN, SCHOOL, PHARMACY = "Pédiatre", "Médecin scolaire", "Pharmacie"
CENTRE = "Centre de vaccination"


def _is_minor(born: date, now: date) -> bool:
    return years_after(born, 18) > now


def _history(born: date, now: date) -> list[Values]:
    def age(years: int) -> date:
        return years_after(born, years)

    entries: list[Values] = [
        {"kind": HistoryKind.CONDITION, "code": "B01.9", "text": "Varicelle",
         "onset_date": age(4), "resolution_date": age(4) + timedelta(days=15)},
        {"kind": HistoryKind.CONDITION, "code": "J45.9", "text": "Asthme",
         "onset_date": age(6), "note": "Asthme allergique, crises surtout au printemps et à "
                                       "l'effort. Bien contrôlé par le traitement de fond."},
        {"kind": HistoryKind.SURGERY, "code": "K35.8", "text": "Appendicectomie",
         "onset_date": age(12), "note": "Appendicite aiguë opérée par cœlioscopie, "
                                        "suites simples."},
        {"kind": HistoryKind.CONDITION, "code": "J30.1", "text": "Rhinite allergique",
         "onset_date": age(15)},
        {"kind": HistoryKind.CONDITION, "text": "Entorse de la cheville droite au ski",
         "onset_date": age(21), "resolution_date": age(21) + timedelta(days=42)},
        {"kind": HistoryKind.CONDITION, "code": "I10", "text": "Hypertension artérielle",
         "onset_date": age(48)},
    ]
    # A child's parents are young: the illnesses of the family are their grandparents'.
    if _is_minor(born, now):
        entries.append({"kind": HistoryKind.FAMILY, "code": "E11.9", "text": "Diabète de type 2",
                        "relative": Relative.GRANDPARENT, "note": "Grand-mère maternelle."})
    else:
        entries += [
            {"kind": HistoryKind.FAMILY, "code": "E11.9", "relative": Relative.MOTHER,
             "text": "Diabète de type 2", "note": "Découvert vers 55 ans, traité par metformine."},
            {"kind": HistoryKind.FAMILY, "code": "I21.9", "relative": Relative.FATHER,
             "text": "Infarctus du myocarde", "note": "À 62 ans."},
            {"kind": HistoryKind.FAMILY, "code": "C50.9", "relative": Relative.GRANDPARENT,
             "text": "Cancer du sein (grand-mère maternelle)"},
        ]
    return [e for e in entries if e.get("onset_date") is None or e["onset_date"] < now]


def _allergies(born: date, now: date) -> list[Values]:
    entries: list[Values] = [
        {"substance": "Pénicillines (amoxicilline)", "severity": Severity.SEVERE,
         "criticality": Criticality.HIGH, "onset_date": years_after(born, 8),
         "reaction": "Urticaire généralisée et gonflement du visage (œdème de Quincke)",
         "note": "Ne jamais prescrire de pénicilline. Carte d'allergique dans le portefeuille."},
        {"substance": "Pollens de graminées", "severity": Severity.MILD,
         "criticality": Criticality.LOW, "onset_date": years_after(born, 15),
         "reaction": "Nez qui coule, éternuements, yeux qui piquent de mai à juillet"},
    ]
    return [e for e in entries if e["onset_date"] < now]


def _treatments(born: date, now: date) -> list[Values]:
    adult = years_after(born, 18)
    background = max(adult, months_after(now, -30))
    antibiotic = now - timedelta(days=400)
    pollen_year = now.year - 1
    entries: list[Values] = [
        {"medication": "Salbutamol 100 µg/dose (Ventoline)", "route": "inhalée",
         "dose": "1 à 2 bouffées en cas de gêne respiratoire",
         "start_date": years_after(born, 6), "prescriber": "Pneumologue"},
        {"medication": "Budésonide/formotérol 200/6 µg (Symbicort)", "route": "inhalée",
         "dose": "1 inhalation matin et soir", "start_date": background,
         "prescriber": DOCTOR, "note": "Traitement de fond de l'asthme."},
        {"medication": "Amlodipine 5 mg", "route": "orale", "dose": "1 comprimé le matin",
         "start_date": years_after(born, 48), "prescriber": DOCTOR},
    ]
    if _is_minor(born, now):
        entries.append(
            {"medication": "Paracétamol 2,4 % suspension buvable", "route": "orale",
             "dose": "1 dose-poids toutes les 6 heures si fièvre", "start_date": antibiotic,
             "end_date": antibiotic + timedelta(days=3), "prescriber": PAEDIATRICIAN})
    else:
        entries += [
            {"medication": "Desloratadine 5 mg", "route": "orale", "dose": "1 comprimé par jour",
             "start_date": date(pollen_year, 4, 15), "end_date": date(pollen_year, 7, 15),
             "prescriber": DOCTOR, "note": "Pendant la saison des pollens."},
            {"medication": "Azithromycine 250 mg", "route": "orale",
             "dose": "2 comprimés le 1er jour, puis 1 par jour", "start_date": antibiotic,
             "end_date": antibiotic + timedelta(days=4), "prescriber": DOCTOR,
             "note": "Bronchite. Pas d'amoxicilline à cause de l'allergie."},
        ]
    return [e for e in entries
            if e["start_date"] >= born and (e.get("end_date") or e["start_date"]) < now]


# (vaccine, day given, who gave it), following the calendar of the person's generation.
Schedule = list[tuple[str, date, str]]


def _childhood(born: date) -> Schedule:
    if born.year >= 2013:  # the simplified calendar of 2013
        plan = [("DTCAP-HIB-HEPB", 2), ("PCV", 2), ("DTCAP-HIB-HEPB", 4), ("PCV", 4),
                ("MENC", 5), ("DTCAP-HIB-HEPB", 11), ("PCV", 11), ("MMR", 12), ("MENC", 12),
                ("MMR", 16)]
        later = [("DTCAP", 72), ("DTCAP-BOOSTER", 132), ("HPV9", 132), ("HPV9", 138)]
    elif born.year >= 1990:
        plan = [("BCG", 1), ("DTCAP-HIB", 2), ("HEPB", 2), ("DTCAP-HIB", 3), ("DTCAP-HIB", 4),
                ("HEPB", 4), ("MMR", 12), ("DTCAP-HIB", 16), ("HEPB", 16), ("MMR", 48)]
        later = [("DTCAP", 72), ("DTCAP-BOOSTER", 132), ("DTP-BOOSTER", 192)]
    else:
        plan = [("BCG", 1), ("DTCAP", 3), ("DTCAP", 4), ("DTCAP", 5), ("DTCAP", 16)]
        later = [("DTP-BOOSTER", 72), ("DTP-BOOSTER", 132), ("DTP-BOOSTER", 192)]
    return ([(code, months_after(born, months), PAEDIATRICIAN) for code, months in plan]
            + [(code, months_after(born, months), SCHOOL) for code, months in later])


def _adult(born: date, now: date) -> Schedule:
    first_booster = "DTCAP-BOOSTER" if born.year >= 1988 else "DTP-BOOSTER"
    doses: Schedule = [(first_booster, years_after(born, 25), DOCTOR)]
    doses += [("DTP-BOOSTER", years_after(born, age), DOCTOR) for age in (45, 65, 75)]
    adult = years_after(born, 18)
    if adult <= date(2021, 5, 1):
        doses += [("COVID19-MRNA", date(2021, 5, 20), CENTRE),
                  ("COVID19-MRNA", date(2021, 6, 24), CENTRE),
                  ("COVID19-MRNA", date(2021, 12, 15), PHARMACY)]
    if years_after(born, 65) <= date(2024, 11, 5):
        doses += [("ZOSTER-RECOMBINANT", date(2024, 11, 5), DOCTOR),
                  ("ZOSTER-RECOMBINANT", date(2025, 1, 7), DOCTOR)]
    # Seasonal influenza every autumn: recommended for people with asthma.
    autumns = [date(year, 10, 20) for year in range(now.year - 3, now.year + 1)]
    doses += [("INFLUENZA", autumn, PHARMACY) for autumn in autumns if autumn >= adult]
    return doses


def _vaccinations(born: date, now: date) -> list[Values]:
    entries: list[Values] = []
    doses: dict[str, int] = {}
    schedule = sorted(_childhood(born) + _adult(born, now), key=lambda dose: dose[1])
    for code, given_on, performer in schedule:
        if given_on >= now:
            continue
        doses[code] = doses.get(code, 0) + 1
        entries.append({
            "vaccine_code": code, "date": given_on, "performer": performer,
            "dose_number": None if code == "INFLUENZA" else doses[code],
            "lot_number": f"{code.split('-')[0][:3]}{given_on:%y%m}{len(entries) % 7 + 1}",
        })
    return entries


_SECTIONS: list[tuple[type[Any], Callable[[Values, date | None], tuple[Values, list[Any]]],
                      Callable[[date, date], list[Values]]]] = [
    (HistoryEntry, validation.clean_history, _history),
    (Allergy, validation.clean_allergy, _allergies),
    (Treatment, validation.clean_treatment, _treatments),
    (Vaccination, validation.clean_vaccination, _vaccinations),
]


async def load(patient: Patient, author_account_id: int) -> None:
    """Fill the four sections of the patient's record, unless it already has entries."""
    for model, _, _ in _SECTIONS:
        if await model.exists(patient_id=patient.id):
            return
    now = validation.today()
    async with in_transaction():
        for model, clean, build in _SECTIONS:
            rows = []
            for values in build(patient.birth_date, now):
                cleaned, problems = clean(values, patient.birth_date)
                if problems:
                    raise ValueError(f"invalid demo entry {values}: {problems}")
                stamped = stamp_created({**cleaned, "patient_id": patient.id}, author_account_id)
                rows.append(model(**stamped))
            await model.bulk_create(rows)
