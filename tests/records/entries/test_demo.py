"""The demo record: plausible for the person's age, never in the future, loaded once."""

from datetime import date

from api.records.entries import demo
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.validation import today
from api.records.provenance import stamp_created
from tests.factories import make_patient
from tests.records.entries.helpers import own_page


async def _counts(patient_id):
    return [await model.filter(patient_id=patient_id).count()
            for model in (HistoryEntry, Allergy, Treatment, Vaccination)]


async def test_the_demo_record_of_an_adult_reads_like_a_french_record(owner):
    owner.patient.birth_date = date(1995, 10, 14)
    await owner.patient.save()
    await demo.load(owner.patient, owner.account.id)

    history = (await own_page(owner, "history"))["items"]
    codes = {(item["kind"], item["code"], item["relative"]) for item in history}
    assert ("CONDITION", "J45.9", None) in codes
    assert ("SURGERY", "K35.8", None) in codes
    assert ("FAMILY", "E11.9", "MOTHER") in codes
    assert any(not item["coded"] for item in history)
    allergies = (await own_page(owner, "allergies"))["items"]
    assert {(a["severity"], a["criticality"]) for a in allergies} == {
        ("SEVERE", "HIGH"), ("MILD", "LOW")}
    treatments = (await own_page(owner, "treatments"))["items"]
    assert {t["current"] for t in treatments} == {True, False}
    vaccinations = (await own_page(owner, "vaccinations", first=100))["items"]
    given = [v["vaccineCode"] for v in vaccinations]
    assert given.count("MMR") == 2 and "DTCAP-BOOSTER" in given and "INFLUENZA" in given
    mmr_doses = sorted(v["doseNumber"] for v in vaccinations if v["vaccineCode"] == "MMR")
    assert mmr_doses == [1, 2]
    assert all(v["provenance"]["createdBy"]["name"] == "Camille MARTIN" for v in vaccinations)


async def test_no_demo_entry_lies_in_the_future_or_before_birth(db):
    for born in (date(1953, 7, 9), date(1995, 10, 14), date(2015, 3, 2), date(2025, 6, 1)):
        patient = await make_patient(birth_date=born)
        await demo.load(patient, patient.account_id)
        dates = [v.date for v in await Vaccination.filter(patient_id=patient.id)]
        dates += [t.start_date for t in await Treatment.filter(patient_id=patient.id)]
        dates += [h.onset_date for h in await HistoryEntry.filter(patient_id=patient.id)
                  if h.onset_date]
        assert all(born <= day <= today() for day in dates), born


async def test_a_child_gets_the_childhood_calendar_and_no_adult_illnesses(db):
    child = await make_patient(account=False, birth_date=date(2015, 3, 2))
    await demo.load(child, None)
    codes = {v.vaccine_code for v in await Vaccination.filter(patient_id=child.id)}
    assert {"DTCAP-HIB-HEPB", "PCV", "MMR", "MENC", "DTCAP"} <= codes
    assert not codes & {"INFLUENZA", "COVID19-MRNA", "DTP-BOOSTER"}
    assert not await HistoryEntry.exists(patient_id=child.id, code="I10")


async def test_an_older_person_has_hypertension_and_its_treatment(db):
    patient = await make_patient(birth_date=date(1953, 7, 9))
    await demo.load(patient, patient.account_id)
    assert await HistoryEntry.exists(patient_id=patient.id, code="I10")
    assert await Treatment.exists(patient_id=patient.id, medication__startswith="Amlodipine")
    assert await Vaccination.exists(patient_id=patient.id, vaccine_code="ZOSTER-RECOMBINANT")


async def test_loading_the_demo_twice_adds_nothing(db):
    patient = await make_patient(birth_date=date(1980, 2, 1))
    await demo.load(patient, patient.account_id)
    first = await _counts(patient.id)
    await demo.load(patient, patient.account_id)
    assert await _counts(patient.id) == first
    assert all(count > 0 for count in first)


async def test_the_demo_leaves_a_record_that_already_has_entries_alone(owner):
    await Allergy.create(**stamp_created({"patient_id": owner.patient.id, "substance": "Latex"},
                                         owner.account.id))
    await demo.load(owner.patient, owner.account.id)
    assert await _counts(owner.patient.id) == [0, 1, 0, 0]
