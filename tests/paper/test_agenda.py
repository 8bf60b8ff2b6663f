"""The agenda worked out from a birth date and the vaccinations recorded, by a table."""

from __future__ import annotations

from datetime import date

import pytest

from api.dates import DatePrecision, PartialDate
from api.interop.terminology.calendar import calendar, checkups, load_calendar
from api.records.agenda.compute import Dose, Status, agenda

TODAY = date(2026, 11, 20)


def dose(number: int, code: str, day: date, precision: DatePrecision = DatePrecision.DAY
         ) -> Dose:
    period = PartialDate.of(day, precision)
    return Dose(number, code, period.first, period.last)


def statuses(birth: date, *doses: Dose, today: date = TODAY) -> dict[str, Status]:
    return {item.key: item.status for item in agenda(birth, doses, today)}


INFANT = date(2026, 9, 18)  # two months and two days old on TODAY
CHILD = date(2020, 9, 1)  # six years old
ADULT_45 = date(1981, 10, 1)
ADULT_70 = date(1956, 3, 3)

TABLE = [
    # who, recorded, what must be true
    ("infant, nothing recorded", INFANT, [],
     {"DTCAP-1": Status.DUE, "HIB-1": Status.DUE, "HEPB-1": Status.DUE, "PCV-1": Status.DUE,
      "MENB-1": Status.UPCOMING, "DTCAP-2": Status.UPCOMING, "CHECKUP-2M": Status.DUE,
      "CHECKUP-3M": Status.UPCOMING}),
    ("infant, hexavalent at 2 months", INFANT, [dose(1, "DTCAP-HIB-HEPB", date(2026, 11, 18))],
     {"DTCAP-1": Status.DONE, "HIB-1": Status.DONE, "HEPB-1": Status.DONE,
      "PCV-1": Status.DUE, "DTCAP-2": Status.UPCOMING}),
    ("child of six, infant doses done", CHILD,
     [dose(n, code, day) for n, (code, day) in enumerate([
         ("DTCAP-HIB-HEPB", date(2020, 11, 2)), ("DTCAP-HIB-HEPB", date(2021, 1, 4)),
         ("DTCAP-HIB-HEPB", date(2021, 8, 2)), ("MMR", date(2021, 9, 6)),
         ("MMR", date(2022, 1, 10))])],
     {"DTCAP-3": Status.DONE, "HEPB-3": Status.DONE, "MMR-2": Status.DONE,
      "DTCAP-6Y": Status.DUE, "CHECKUP-6Y": Status.DUE, "CHECKUP-8Y": Status.UPCOMING,
      "DTCAP-11Y": Status.UPCOMING}),
    ("child of seven without the 6-year booster", date(2019, 6, 1), [],
     {"DTCAP-6Y": Status.OVERDUE}),
    ("adult of 45", ADULT_45, [dose(1, "DTP-BOOSTER", date(2006, 10, 10))],
     {"DTP-25Y": Status.DONE, "DTP-45Y": Status.DUE, "DTP-65Y": None}),  # 20 years ahead
    ("adult of 45 who had the booster", ADULT_45, [dose(1, "DTP-BOOSTER", date(2026, 10, 5))],
     {"DTP-45Y": Status.DONE}),
    ("adult of 70, nothing recorded", ADULT_70, [],
     {"INFLUENZA-2026": Status.DUE, "COVID19-2026": Status.DUE, "ZOSTER": Status.DUE,
      "PNEUMO-65Y": Status.DUE, "DTP-65Y": Status.OVERDUE, "RSV-75Y": Status.UPCOMING}),
    ("adult of 70, flu this autumn, shingles last year", ADULT_70,
     [dose(1, "INFLUENZA", date(2026, 10, 20)), dose(2, "ZOSTER-RECOMBINANT", date(2025, 3, 1)),
      dose(3, "INFLUENZA", date(2025, 10, 20))],
     {"INFLUENZA-2026": Status.DONE, "INFLUENZA-2027": Status.UPCOMING, "ZOSTER": Status.DONE,
      "COVID19-2026": Status.DUE}),
    ("a dose remembered by its year only counts", ADULT_45,
     [dose(1, "DTP-BOOSTER", date(2026, 1, 1), DatePrecision.YEAR)],
     {"DTP-45Y": Status.DONE}),
    ("a dose remembered by its month only counts", INFANT,
     [dose(1, "DTCAP-HIB-HEPB", date(2026, 11, 1), DatePrecision.MONTH)],
     {"DTCAP-1": Status.DONE, "HIB-1": Status.DONE}),
]


@pytest.mark.parametrize(("who", "birth", "recorded", "expected"), TABLE,
                         ids=[row[0] for row in TABLE])
def test_the_agenda(who, birth, recorded, expected):
    found = statuses(birth, *recorded)
    for key, status in expected.items():
        assert found.get(key) == status, (who, key, found.get(key))


def test_an_adult_has_no_child_checkup_and_no_missed_infant_dose():
    found = statuses(ADULT_45)
    assert not [key for key in found if key.startswith("CHECKUP")]
    assert "DTCAP-1" not in found and "PCV-1" not in found and "MENB-1" not in found


def test_a_dose_given_too_early_does_not_count():
    found = statuses(INFANT, dose(1, "PCV", date(2026, 10, 1)))  # 13 days old
    assert found["PCV-1"] == Status.DUE


def test_the_done_item_names_the_vaccination_that_counts():
    given = dose(7, "DTCAP-HIB-HEPB", date(2026, 11, 18))
    items = {item.key: item for item in agenda(INFANT, [given], TODAY)}
    assert items["HEPB-1"].dose == given
    assert items["DTCAP-1"].due_from == date(2026, 11, 18)


def test_flu_in_spring_waits_for_the_next_autumn():
    found = {item.key: item for item in agenda(ADULT_70, [], date(2027, 4, 2))}
    assert found["INFLUENZA-2027"].status == Status.UPCOMING
    assert found["INFLUENZA-2027"].due_from == date(2027, 10, 15)


def test_the_data_files_are_sound(tmp_path):
    assert len(checkups()) == 21 and checkups()[0].key == "CHECKUP-8D"
    assert all(line.labels["fr"] and line.labels["en"] for line in calendar())
    assert "\u202f:" in calendar()[0].labels["fr"]  # French typography
    source = (tmp_path / "bad.tsv")
    source.write_text("# source\nkey\tseries\tkind\tfrom\tby\tuntil\taccepts\tlabel_fr\tlabel_en\n"
                      "X\tX\tdose\t2m\t\t\tNOT-A-VACCINE\tx\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NOT-A-VACCINE"):
        load_calendar(source)
