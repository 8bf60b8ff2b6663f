"""Appending to the access history: who, what, on what basis; never for the patient."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from api import clock
from api.audit.log import record_event
from api.audit.models import AccessChainHead, AccessEvent, RequestKind
from api.audit.verify import verify_chains
from api.consent.sections import Action, Basis, Section
from api.identity.models import Account, Patient, Role
from api.settings import Settings
from tests.audit.conftest import chain_of, seed
from tests.factories import make_account, make_patient, make_professional


async def test_the_patient_own_access_is_not_recorded(db: None) -> None:
    patient = await make_patient()
    assert patient.account_id is not None
    event = await record_event(patient_id=patient.id, viewer_account_id=patient.account_id,
                               basis=Basis.OWNER, sections=(Section.ALLERGIES,),
                               actions=(Action.READ,), request_kind=RequestKind.GRAPHQL)
    assert event is None
    assert await AccessEvent.all().count() == 0


async def test_an_event_keeps_the_viewer_name_and_profession_as_they_were(db: None) -> None:
    patient = await make_patient()
    doctor = await make_professional("emergency_physician", last_name="URGENCE")
    moment = datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    with clock.frozen_at(moment):
        event = await record_event(
            patient_id=patient.id, viewer_account_id=doctor.account_id, basis=Basis.EMERGENCY,
            sections=(), actions=(), request_kind=RequestKind.EMERGENCY_OPEN,
            detail="Unconscious, brought in by ambulance",
        )
    assert event is not None and event.id is not None
    doctor.last_name = "RENAMED"
    await doctor.save()
    stored = await AccessEvent.get(id=event.id)
    assert stored.viewer_name == "Test URGENCE"
    assert stored.viewer_profession == "emergency_physician"
    assert stored.emergency is True
    assert stored.occurred_at == moment
    assert stored.detail == "Unconscious, brought in by ambulance"


async def test_a_parent_is_named_from_their_own_record(db: None) -> None:
    parent = await make_patient(first_names="Paul Henri", birth_name="PARENT")
    assert parent.account_id is not None
    child = await make_patient(account=False, birth_date=date(2016, 4, 1))
    await seed(child.id, parent.account_id, basis=Basis.REPRESENTATIVE)
    (event,) = await chain_of(child.id)
    assert event.viewer_name == "Paul PARENT"
    assert event.viewer_profession == ""
    assert event.viewer_professional_id is None


async def test_a_viewer_without_a_record_is_named_by_email(db: None) -> None:
    account = await make_account(Role.PATIENT, email="guardian@test.invalid")
    child = await make_patient(account=False)
    await seed(child.id, account.id, basis=Basis.REPRESENTATIVE)
    assert (await chain_of(child.id))[0].viewer_name == "guardian@test.invalid"


async def test_sections_and_actions_are_stored_sorted(db: None) -> None:
    patient = await make_patient()
    doctor = await make_professional()
    await record_event(patient_id=patient.id, viewer_account_id=doctor.account_id,
                       basis=Basis.TREATING_DOCTOR,
                       sections=(Section.VACCINATIONS, Section.ALLERGIES, Section.HISTORY),
                       actions=(Action.WRITE, Action.READ), request_kind=RequestKind.GRAPHQL)
    (event,) = await chain_of(patient.id)
    assert event.sections == "allergies,history,vaccinations"
    assert event.actions == "read,write"


async def test_each_patient_has_a_chain_of_their_own(db: None) -> None:
    first, second = await make_patient(), await make_patient()
    nurse = await make_professional("nurse")
    await seed(first.id, nurse.account_id, 2)
    await seed(second.id, nurse.account_id, 1)
    await seed(first.id, nurse.account_id, 1)
    assert [e.sequence for e in await chain_of(first.id)] == [1, 2, 3]
    assert [e.sequence for e in await chain_of(second.id)] == [1]


async def test_twenty_concurrent_appends_make_one_gap_free_chain(
    db: None, settings: Settings
) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await asyncio.gather(*(seed(patient.id, nurse.account_id) for _ in range(20)))
    events = await chain_of(patient.id)
    assert [e.sequence for e in events] == list(range(1, 21))
    assert len({e.prev_hash for e in events}) == 20  # no two events chain from the same one
    report = await verify_chains(settings, patient_id=patient.id)
    assert report.ok, report.lines()


async def test_deleting_a_patient_record_takes_its_history_with_it(db: None) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await seed(patient.id, nurse.account_id, 2)
    await Patient.filter(id=patient.id).delete()
    assert await AccessEvent.all().count() == 0
    assert await AccessChainHead.all().count() == 0


async def test_the_history_outlives_the_viewer_account(db: None, settings: Settings) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await seed(patient.id, nurse.account_id)
    await Account.filter(id=nurse.account_id).delete()
    (event,) = await chain_of(patient.id)
    assert event.viewer_name == "Test DOC"
    assert (await verify_chains(settings)).ok
