"""The demo entries: each demo person's own, dated within their life, written once, by whom
the story says."""

from datetime import date, timedelta

from api import clock
from api.identity.models import Professional
from api.records.entries import demo
from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    Treatment,
    Vaccination,
)
from api.records.entries.validation import today
from api.records.provenance import stamp_created
from tests.demo.support import demo_people
from tests.factories import make_patient

MODELS = (HistoryEntry, Allergy, Treatment, Vaccination)


async def _counts(patient_id: int) -> list[int]:
    return [await model.filter(patient_id=patient_id).count() for model in MODELS]


async def test_no_demo_entry_lies_in_the_future_or_before_birth(db):
    for patient, keeper in (await demo_people()).values():
        assert await demo.load(patient, keeper) > 0
        born = patient.birth_date
        dates = [v.date for v in await Vaccination.filter(patient_id=patient.id)]
        dates += [d for t in await Treatment.filter(patient_id=patient.id)
                  for d in (t.start_date, t.end_date) if d]
        dates += [d for h in await HistoryEntry.filter(patient_id=patient.id)
                  .exclude(kind=HistoryKind.FAMILY) for d in (h.onset_date, h.resolution_date)
                  if d]
        dates += [a.onset_date for a in await Allergy.filter(patient_id=patient.id)
                  if a.onset_date]
        assert all(born <= day <= today() for day in dates), patient.first_names


async def test_each_generation_has_the_vaccination_calendar_of_its_childhood(db):
    people = await demo_people()
    given = {}
    for name in ("Léo", "Paule"):
        patient, keeper = people[name]
        await demo.load(patient, keeper)
        given[name] = {v.vaccine_code for v in await Vaccination.filter(patient_id=patient.id)}
    assert {"DTCAP-HIB-HEPB", "PCV", "MMR", "MENC", "HPV9"} <= given["Léo"]
    assert not given["Léo"] & {"BCG", "INFLUENZA", "COVID19-MRNA", "ZOSTER-RECOMBINANT"}
    assert {"BCG", "DTP-BOOSTER", "INFLUENZA", "COVID19-MRNA", "ZOSTER-RECOMBINANT"} <= (
        given["Paule"])
    assert "DTCAP-HIB-HEPB" not in given["Paule"]


async def test_a_professionals_entries_are_theirs_written_at_their_visit(db):
    patient, jean = (await demo_people())["Jean"]
    await demo.load(patient, jean)
    bernard = await Professional.get(last_name="BERNARD")
    statin, = [treatment for treatment in await Treatment.filter(patient_id=patient.id)
               if treatment.medication.startswith("Atorvastatine")]
    assert statin.created_by_id == bernard.account_id
    assert timedelta(days=3) < clock.now() - statin.created_at < timedelta(days=5)
    theirs = [e for model in MODELS for e in await model.filter(patient_id=patient.id)
              if e.created_by_id == bernard.account_id]
    assert {type(e) for e in theirs} == {Treatment, Allergy}
    others = await Treatment.filter(patient_id=patient.id).exclude(id=statin.id)
    assert others and all(t.created_by_id == jean for t in others)


async def test_the_keeper_writes_a_childs_entries(db):
    patient, mother = (await demo_people())["Léo"]
    await demo.load(patient, mother)
    entries = [e for model in MODELS for e in await model.filter(patient_id=patient.id)]
    assert entries and all(e.created_by_id == mother for e in entries)


async def test_loading_the_demo_twice_adds_nothing(db):
    patient, keeper = (await demo_people())["Paule"]
    await demo.load(patient, keeper)
    first = await _counts(patient.id)
    assert await demo.load(patient, keeper) == 0
    assert await _counts(patient.id) == first
    assert all(count > 0 for count in first)


async def test_the_demo_leaves_a_record_that_already_has_entries_alone(db):
    patient, keeper = (await demo_people())["Camille"]
    await Allergy.create(**stamp_created({"patient_id": patient.id, "substance": "Latex"},
                                         keeper))
    assert await demo.load(patient, keeper) == 0
    assert await _counts(patient.id) == [0, 1, 0, 0]


async def test_someone_outside_the_demo_gets_no_entries(db):
    stranger = await make_patient(birth_date=date(1980, 2, 1))
    assert await demo.load(stranger, stranger.account_id) == 0
    assert await _counts(stranger.id) == [0, 0, 0, 0]
