"""The vaccinations of a demo person: the French calendar of their generation, then theirs.

The childhood calendar changed over the years (BCG compulsory until 2007, the hexavalent
vaccine and the simplified calendar of 2013); adults get the boosters at 25, 45, 65 and 75,
the COVID-19 campaign of 2021, and, by their story, the flu every autumn or the shingles
vaccine after 65. Doses that would lie in the future are left out.
"""

from __future__ import annotations

from datetime import date

from api.dates import months_after, years_after
from api.records.entries.validation import Values

# (vaccine code of api/interop/data/vaccines.tsv, day given, who gave it)
Schedule = list[tuple[str, date, str]]
PAEDIATRICIAN, SCHOOL, PHARMACY = "Pédiatre", "Médecin scolaire", "Pharmacie"
CENTRE = "Centre de vaccination"


def childhood(born: date, paediatrician: str = PAEDIATRICIAN) -> Schedule:
    """The doses of childhood, from the calendar in force when the person was born."""
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
    return ([(code, months_after(born, months), paediatrician) for code, months in plan]
            + [(code, months_after(born, months), SCHOOL) for code, months in later])


def adult_boosters(born: date, doctor: str) -> Schedule:
    """Diphtheria, tetanus and polio at 25 (with whooping cough for the young), 45, 65, 75."""
    first = "DTCAP-BOOSTER" if born.year >= 1988 else "DTP-BOOSTER"
    return ([(first, years_after(born, 25), doctor)]
            + [("DTP-BOOSTER", years_after(born, age), doctor) for age in (45, 65, 75)])


def covid_campaign(*, booster_2023: bool = False) -> Schedule:
    doses = [("COVID19-MRNA", date(2021, 5, 20), CENTRE),
             ("COVID19-MRNA", date(2021, 6, 24), CENTRE),
             ("COVID19-MRNA", date(2021, 12, 15), PHARMACY)]
    if booster_2023:  # the autumn booster for people over 65 and the frail
        doses.append(("COVID19-MRNA", date(2023, 10, 24), PHARMACY))
    return doses


def flu_autumns(now: date, years: int, performer: str, day: int = 20) -> Schedule:
    """The seasonal flu vaccine every October of the last `years` autumns."""
    return [("INFLUENZA", date(year, 10, day), performer)
            for year in range(now.year - years + 1, now.year + 1)]


def shingles(doctor: str) -> Schedule:
    """The recombinant shingles vaccine, two doses, offered after 65 since 2024."""
    return [("ZOSTER-RECOMBINANT", date(2024, 11, 5), doctor),
            ("ZOSTER-RECOMBINANT", date(2025, 1, 7), doctor)]


def as_entries(schedule: Schedule, born: date, now: date) -> list[Values]:
    """The doses given between birth and today, numbered per vaccine, with a lot number."""
    entries: list[Values] = []
    doses: dict[str, int] = {}
    for code, given_on, performer in sorted(schedule, key=lambda dose: dose[1]):
        if not born <= given_on < now:
            continue
        doses[code] = doses.get(code, 0) + 1
        entries.append({
            "vaccine_code": code, "date": given_on, "performer": performer,
            "dose_number": None if code == "INFLUENZA" else doses[code],
            "lot_number": f"{code.split('-')[0][:3]}{given_on:%y%m}{len(entries) % 7 + 1}",
        })
    return entries
