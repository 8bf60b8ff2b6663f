"""What each demo person's record says: one function per person, from their birth date.

Each returns the entries of the four sections as the API takes them; ``by`` names the
professional (RPPS) who wrote an entry and ``written`` the moment of the shared story
(``api.identity.demo``) they wrote it at. See ``api.records.entries.demo`` for who the
people are and how the entries are loaded.
"""

from __future__ import annotations

from datetime import date, timedelta

from api.dates import months_after, years_after
from api.identity import demo as people
from api.records.entries.demo_calendar import (
    adult_boosters,
    as_entries,
    childhood,
    covid_campaign,
    flu_autumns,
    shingles,
)
from api.records.entries.models import Criticality, HistoryKind, Relative, Severity
from api.records.entries.validation import Values

Story = dict[str, list[Values]]
CONDITION, SURGERY, FAMILY = HistoryKind.CONDITION, HistoryKind.SURGERY, HistoryKind.FAMILY
_DATES = ("onset_date", "resolution_date", "start_date", "end_date")


def _past(entries: list[Values], born: date, now: date) -> list[Values]:
    """The entries whose dates lie between birth and today (a relative's may be older)."""
    return [e for e in entries if all(
        (e.get("kind") is FAMILY or born <= e[key]) and e[key] < now
        for key in _DATES if e.get(key))]


def _story(born: date, now: date, history: list[Values], allergies: list[Values],
           treatments: list[Values], vaccinations: list[Values]) -> Story:
    return {"history": _past(history, born, now), "allergies": _past(allergies, born, now),
            "treatments": _past(treatments, born, now), "vaccinations": vaccinations}


def camille(born: date, now: date) -> Story:
    """A young mother with asthma since childhood, a penicillin allergy, iron since autumn."""
    def age(years: int) -> date:
        return years_after(born, years)

    iron, pollen_year = now - timedelta(days=60), now.year - 1
    bronchitis = now - timedelta(days=400)
    bernard = {"by": people.BERNARD, "written": people.CAMILLE_CONSULTATION}
    history: list[Values] = [
        {"kind": CONDITION, "code": "B01.9", "text": "Varicelle", "onset_date": age(4),
         "resolution_date": age(4) + timedelta(days=15)},
        {"kind": CONDITION, "code": "J45.9", "text": "Asthme", "onset_date": age(6),
         "note": "Asthme allergique, crises surtout au printemps et à l'effort. Bien "
                 "contrôlé par le traitement de fond."},
        {"kind": SURGERY, "code": "K35.8", "text": "Appendicectomie", "onset_date": age(12),
         "note": "Appendicite aiguë opérée par cœlioscopie, suites simples."},
        {"kind": CONDITION, "code": "J30.1", "text": "Rhinite allergique",
         "onset_date": age(15)},
        {"kind": CONDITION, "code": "O80", "text": "Naissance de Léo",
         "onset_date": date(2015, 3, 2), "resolution_date": date(2015, 3, 5),
         "note": "Accouchement par voie basse à la maternité, sans complication."},
        {"kind": CONDITION, "text": "Entorse de la cheville droite au ski",
         "onset_date": age(21), "resolution_date": age(21) + timedelta(days=42)},
        {"kind": CONDITION, "code": "D50.9", "text": "Carence en fer", "onset_date": iron,
         "note": "Fatigue ; ferritine basse. Traitée par fer par ma gynécologue."},
        {"kind": FAMILY, "code": "E11.9", "relative": Relative.MOTHER,
         "text": "Diabète de type 2", "note": "Découvert vers 55 ans, traité par metformine."},
        {"kind": FAMILY, "code": "I21.9", "relative": Relative.GRANDPARENT,
         "text": "Infarctus du myocarde", "note": "Grand-père paternel, à 62 ans."},
        {"kind": FAMILY, "code": "C50.9", "relative": Relative.GRANDPARENT,
         "text": "Cancer du sein", "note": "Grand-mère maternelle."},
    ]
    allergies: list[Values] = [
        {"substance": "Pénicillines (amoxicilline)", "severity": Severity.SEVERE,
         "criticality": Criticality.HIGH, "onset_date": age(8),
         "reaction": "Urticaire généralisée et gonflement du visage (œdème de Quincke)",
         "note": "Ne jamais prescrire de pénicilline. Carte d'allergique dans le portefeuille."},
        {"substance": "Pollens de graminées", "severity": Severity.MILD,
         "criticality": Criticality.LOW, "onset_date": age(15),
         "reaction": "Nez qui coule, éternuements, yeux qui piquent de mai à juillet"},
    ]
    treatments: list[Values] = [
        {"medication": "Salbutamol 100 µg/dose (Ventoline)", "route": "inhalée",
         "dose": "1 à 2 bouffées en cas de gêne respiratoire", "start_date": age(6),
         "prescriber": "Pneumologue"},
        {"medication": "Budésonide/formotérol 200/6 µg (Symbicort)", "route": "inhalée",
         "dose": "1 inhalation matin et soir", "start_date": months_after(now, -30),
         "prescriber": "Dr Sophie Bernard, médecin traitant",
         "note": "Traitement de fond de l'asthme, renouvelé pour 6 mois.", **bernard},
        {"medication": "Sulfate ferreux 80 mg (Tardyferon)", "route": "orale",
         "dose": "1 comprimé par jour, à distance du thé et du café", "start_date": iron,
         "prescriber": "Gynécologue", "note": "Pendant 3 mois, puis contrôle de la ferritine."},
        {"medication": "Desloratadine 5 mg", "route": "orale", "dose": "1 comprimé par jour",
         "start_date": date(pollen_year, 4, 15), "end_date": date(pollen_year, 7, 15),
         "prescriber": "Dr Sophie Bernard, médecin traitant",
         "note": "Pendant la saison des pollens."},
        {"medication": "Azithromycine 250 mg", "route": "orale",
         "dose": "2 comprimés le 1er jour, puis 1 par jour", "start_date": bronchitis,
         "end_date": bronchitis + timedelta(days=4), "prescriber": "SOS Médecins",
         "note": "Bronchite. Pas d'amoxicilline à cause de l'allergie."},
    ]
    doses = (childhood(born) + adult_boosters(born, "Médecin traitant") + covid_campaign()
             + flu_autumns(now, 4, "Pharmacie"))
    return _story(born, now, history, allergies, treatments, as_entries(doses, born, now))


def leo(born: date, now: date) -> Story:
    """A boy of eleven with asthma like his mother, a broken wrist, his calendar up to date."""
    def age(years: int) -> date:
        return years_after(born, years)

    otitis = months_after(born, 26)
    history: list[Values] = [
        {"kind": CONDITION, "code": "J21.9", "text": "Bronchiolite",
         "onset_date": months_after(born, 4),
         "resolution_date": months_after(born, 4) + timedelta(days=10),
         "note": "Kinésithérapie respiratoire, pas d'hospitalisation."},
        {"kind": CONDITION, "code": "H66.9", "text": "Otite", "onset_date": otitis,
         "resolution_date": otitis + timedelta(days=8)},
        {"kind": CONDITION, "code": "J45.9", "text": "Asthme", "onset_date": age(4),
         "note": "Asthme viral et d'effort. Suivi par la pneumopédiatre une fois par an."},
        {"kind": CONDITION, "code": "S52.5", "text": "Fracture du poignet gauche",
         "onset_date": age(9), "resolution_date": age(9) + timedelta(days=35),
         "note": "Chute de trampoline. Plâtre 5 semaines."},
        {"kind": FAMILY, "code": "J45.9", "relative": Relative.MOTHER, "text": "Asthme"},
        {"kind": FAMILY, "code": "E11.9", "relative": Relative.GRANDPARENT,
         "text": "Diabète de type 2", "note": "Grand-mère maternelle."},
    ]
    allergies: list[Values] = [
        {"substance": "Acariens", "severity": Severity.MILD, "criticality": Criticality.LOW,
         "onset_date": age(4), "reaction": "Toux la nuit et nez bouché",
         "note": "Housse anti-acariens sur le matelas."},
    ]
    treatments: list[Values] = [
        {"medication": "Salbutamol 100 µg/dose (Ventoline) avec chambre d'inhalation",
         "route": "inhalée", "start_date": age(4), "prescriber": "Pneumopédiatre",
         "dose": "2 bouffées en cas de toux ou de sifflements, et 15 minutes avant le sport"},
        {"medication": "Fluticasone 50 µg/dose (Flixotide)", "route": "inhalée",
         "dose": "1 bouffée matin et soir, d'octobre à avril",
         "start_date": months_after(now, -14), "prescriber": "Pneumopédiatre"},
        {"medication": "Amoxicilline 250 mg/5 ml suspension buvable", "route": "orale",
         "dose": "1 dose-poids matin, midi et soir", "start_date": otitis,
         "end_date": otitis + timedelta(days=6), "prescriber": "Pédiatre"},
    ]
    doses = childhood(born, "Dr Lucas, pédiatre")
    return _story(born, now, history, allergies, treatments, as_entries(doses, born, now))


def jean(born: date, now: date) -> Story:
    """A retired man of 68: hypertension, atrial fibrillation under apixaban, a statin."""
    def age(years: int) -> date:
        return years_after(born, years)

    bernard = {"by": people.BERNARD, "written": people.JEAN_REVIEW}
    fibrillation, cardiologist = age(64), "Dr Lefèvre, cardiologue"
    gp = "Dr Garnier, médecin traitant"
    history: list[Values] = [
        {"kind": CONDITION, "code": "I10", "text": "Hypertension artérielle",
         "onset_date": age(52)},
        {"kind": CONDITION, "code": "E78.0", "text": "Cholestérol", "onset_date": age(55)},
        {"kind": CONDITION, "code": "I48.0", "text": "Fibrillation auriculaire",
         "onset_date": fibrillation,
         "note": "Découverte après des palpitations et un essoufflement. Cardioversion "
                 "réussie, traitement anticoagulant au long cours."},
        {"kind": CONDITION, "code": "G47.3", "text": "Apnées du sommeil",
         "onset_date": age(62), "note": "Appareil à pression positive continue la nuit."},
        {"kind": SURGERY, "code": "K40.9", "text": "Opération d'une hernie inguinale droite",
         "onset_date": age(45)},
        {"kind": CONDITION, "text": "Ancien fumeur (20 paquets-années)",
         "onset_date": age(18), "resolution_date": age(47)},
        {"kind": FAMILY, "code": "I21.9", "relative": Relative.FATHER,
         "text": "Infarctus du myocarde", "note": "À 62 ans."},
        {"kind": FAMILY, "code": "I64", "relative": Relative.MOTHER,
         "text": "Accident vasculaire cérébral", "note": "À 78 ans."},
    ]
    allergies: list[Values] = [
        {"substance": "Produits de contraste iodés", "severity": Severity.MODERATE,
         "criticality": Criticality.HIGH, "onset_date": age(60),
         "reaction": "Urticaire et gêne respiratoire pendant un scanner",
         "note": "Prémédication nécessaire avant tout examen avec injection d'iode.",
         **bernard},
    ]
    treatments: list[Values] = [
        {"medication": "Apixaban 5 mg (Eliquis)", "route": "orale",
         "dose": "1 comprimé matin et soir", "start_date": fibrillation,
         "prescriber": cardiologist,
         "note": "Anticoagulant : ne jamais l'arrêter sans avis. Le signaler avant tout "
                 "soin dentaire ou toute intervention."},
        {"medication": "Bisoprolol 2,5 mg", "route": "orale", "dose": "1 comprimé le matin",
         "start_date": fibrillation, "prescriber": cardiologist},
        {"medication": "Ramipril 5 mg", "route": "orale", "dose": "1 comprimé le matin",
         "start_date": age(54), "prescriber": gp},
        {"medication": "Atorvastatine 20 mg", "route": "orale", "dose": "1 comprimé le soir",
         "start_date": age(55), "prescriber": gp, **bernard},
        {"medication": "Amlodipine 5 mg", "route": "orale", "dose": "1 comprimé le matin",
         "start_date": age(52), "end_date": age(54), "prescriber": gp,
         "note": "Remplacée par le ramipril (chevilles gonflées)."},
    ]
    doses = (childhood(born) + adult_boosters(born, gp) + covid_campaign(booster_2023=True)
             + flu_autumns(now, 5, "Pharmacie") + shingles(gp))
    return _story(born, now, history, allergies, treatments, as_entries(doses, born, now))


def paule(born: date, now: date) -> Story:
    """A woman of 73: type 2 diabetes, osteoporosis, and a recent hypoglycaemia."""
    def age(years: int) -> date:
        return years_after(born, years)

    emergency = now - timedelta(days=people.EMERGENCY_OPENED[0])
    gp = "Dr Santoni, médecin traitant"
    history: list[Values] = [
        {"kind": CONDITION, "code": "E03.9", "text": "Hypothyroïdie", "onset_date": age(50)},
        {"kind": CONDITION, "code": "E11.9", "text": "Diabète de type 2", "onset_date": age(58),
         "note": "Hémoglobine glyquée autour de 7 %. Fond d'œil tous les 2 ans."},
        {"kind": CONDITION, "code": "I10", "text": "Hypertension artérielle",
         "onset_date": age(60)},
        {"kind": CONDITION, "code": "S52.5", "text": "Fracture du poignet droit",
         "onset_date": age(66), "resolution_date": age(66) + timedelta(days=45),
         "note": "Chute sur le trottoir. Plâtre 6 semaines."},
        {"kind": CONDITION, "code": "M81.0", "text": "Ostéoporose", "onset_date": age(66),
         "note": "Découverte après la fracture du poignet (T-score -2,9 au rachis)."},
        {"kind": SURGERY, "code": "H25.9", "text": "Opération de la cataracte des deux yeux",
         "onset_date": age(70)},
        {"kind": CONDITION, "code": "E16.0", "text": "Hypoglycémie due au gliclazide",
         "onset_date": emergency, "resolution_date": emergency + timedelta(days=1),
         "note": "Malaise à la maison, glycémie à 0,45 g/L. Resucrée par le SAMU, vue aux "
                 "urgences du CHU de Lyon. Le gliclazide a été arrêté."},
        {"kind": FAMILY, "code": "S72.0", "relative": Relative.MOTHER,
         "text": "Fracture du col du fémur", "note": "À 82 ans."},
        {"kind": FAMILY, "code": "C50.9", "relative": Relative.SIBLING,
         "text": "Cancer du sein", "note": "Ma sœur, à 60 ans, guérie."},
    ]
    allergies: list[Values] = [
        {"substance": "Codéine", "severity": Severity.MILD, "criticality": Criticality.LOW,
         "onset_date": age(66), "reaction": "Nausées et vomissements"},
    ]
    treatments: list[Values] = [
        {"medication": "Metformine 1000 mg", "route": "orale",
         "dose": "1 comprimé matin et soir, au milieu du repas", "start_date": age(58),
         "prescriber": gp},
        {"medication": "Gliclazide 30 mg à libération modifiée", "route": "orale",
         "dose": "1 comprimé le matin", "start_date": age(65), "end_date": emergency,
         "prescriber": gp, "note": "Arrêté après l'hypoglycémie."},
        {"medication": "Sitagliptine 100 mg", "route": "orale", "dose": "1 comprimé par jour",
         "start_date": emergency + timedelta(days=3), "prescriber": gp,
         "note": "Remplace le gliclazide."},
        {"medication": "Périndopril 4 mg", "route": "orale", "dose": "1 comprimé le matin",
         "start_date": age(60), "prescriber": gp},
        {"medication": "Lévothyroxine 75 µg", "route": "orale",
         "dose": "1 comprimé le matin à jeun", "start_date": age(50), "prescriber": gp},
        {"medication": "Acide alendronique 70 mg", "route": "orale",
         "dose": "1 comprimé par semaine, le lundi", "start_date": age(66),
         "prescriber": "Rhumatologue",
         "note": "À jeun avec un grand verre d'eau, rester assise ou debout 30 minutes."},
        {"medication": "Cholécalciférol 100 000 UI", "route": "orale",
         "dose": "1 ampoule tous les 3 mois", "start_date": age(66),
         "prescriber": "Rhumatologue"},
    ]
    doses = (childhood(born) + adult_boosters(born, gp) + covid_campaign(booster_2023=True)
             + flu_autumns(now, 5, "Pharmacie") + shingles(gp)
             + [("PCV", date(2024, 3, 12), gp)])
    return _story(born, now, history, allergies, treatments, as_entries(doses, born, now))
