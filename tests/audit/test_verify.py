"""`carnet audit verify` finds the first broken event of each patient's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tortoise import connections
from tortoise.exceptions import BaseORMException

from api.audit.models import AccessEvent
from api.audit.verify import verify_chains
from api.settings import Settings
from tests.audit.conftest import carnet, chain_of, seed
from tests.factories import make_patient, make_professional


async def _history(events: int = 5) -> tuple[int, list[AccessEvent]]:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await seed(patient.id, nurse.account_id, events)
    return patient.id, await chain_of(patient.id)


async def test_an_untouched_history_verifies(db: None, settings: Settings) -> None:
    patient_id, _ = await _history(3)
    await _history(2)
    report = await verify_chains(settings)
    assert report.ok
    assert (report.chains, report.events) == (2, 5)
    assert report.heads[patient_id][0] == 3
    assert report.lines() == ["Checked 5 access events in 2 patient histories: "
                              "every chain is intact and ends at its sealed head."]


async def test_verification_reads_the_history_page_by_page(db: None, settings: Settings) -> None:
    await _history(4)
    await _history(3)
    report = await verify_chains(settings, page=2)
    assert report.ok
    assert (report.chains, report.events) == (2, 7)


async def test_an_altered_event_is_named(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, events = await _history()
    async with tampering():
        await AccessEvent.filter(id=events[2].id).update(viewer_name="Somebody Else")
    report = await verify_chains(settings)
    (broken,) = report.breaks
    assert (broken.patient_id, broken.event_id, broken.sequence) == (patient_id, events[2].id, 3)
    assert "altered" in broken.problem


async def test_a_changed_section_list_is_detected(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, events = await _history(2)
    async with tampering():
        await AccessEvent.filter(id=events[0].id).update(sections="vaccinations")
    assert (await verify_chains(settings)).breaks[0].event_id == events[0].id


async def test_a_deleted_event_is_detected_at_the_one_after_it(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, events = await _history()
    async with tampering():
        await AccessEvent.filter(id=events[1].id).delete()
    (broken,) = (await verify_chains(settings)).breaks
    assert broken.event_id == events[2].id
    assert "sequence 3 where 2 was expected" in broken.problem


async def test_a_deleted_first_event_is_detected(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, events = await _history(2)
    async with tampering():
        await AccessEvent.filter(id=events[0].id).delete()
    assert (await verify_chains(settings)).breaks[0].event_id == events[1].id


async def test_renumbering_after_a_deletion_is_detected(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, events = await _history(3)
    async with tampering():
        await AccessEvent.filter(id=events[1].id).delete()
        await AccessEvent.filter(id=events[2].id).update(sequence=2)
    (broken,) = (await verify_chains(settings)).breaks
    assert broken.event_id == events[2].id


async def test_two_swapped_events_are_detected(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, events = await _history(4)
    first, second = events[1], events[2]
    async with tampering():
        await AccessEvent.filter(id=first.id).update(sequence=-1)
        await AccessEvent.filter(id=second.id).update(sequence=first.sequence)
        await AccessEvent.filter(id=first.id).update(sequence=second.sequence)
    (broken,) = (await verify_chains(settings)).breaks
    assert broken.event_id == second.id  # now second in line, it does not fit there
    assert broken.sequence == 2


async def test_each_broken_history_is_reported_once_and_others_stay_intact(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    first_id, first = await _history(3)
    intact_id, _ = await _history(2)
    third_id, third = await _history(3)
    async with tampering():
        await AccessEvent.filter(id__in=[first[0].id, first[2].id]).update(viewer_name="X")
        await AccessEvent.filter(id=third[1].id).update(basis="treating_doctor")
    report = await verify_chains(settings)
    assert [(b.patient_id, b.event_id) for b in report.breaks] == [
        (first_id, first[0].id), (third_id, third[1].id)]
    assert intact_id in report.heads and first_id not in report.heads
    assert report.lines()[0] == "Checked 8 access events in 3 patient histories: 2 broken."


async def test_postgresql_refuses_to_change_or_delete_an_event(
    db: None, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    _, events = await _history(1)
    conn = connections.get("default")
    for statement in (f"UPDATE access_event SET viewer_name = 'X' WHERE id = {events[0].id}",
                      f"DELETE FROM access_event WHERE id = {events[0].id}"):
        with pytest.raises(BaseORMException, match="append-only"):
            await conn.execute_script(statement)
    assert (await verify_chains(settings)).ok


async def test_the_command_exits_zero_on_an_intact_history_and_one_naming_the_break(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, events = await _history(3)
    intact = carnet(settings, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "3 access events in 1 patient history: every chain is intact" in intact.stdout

    async with tampering():
        await AccessEvent.filter(id=events[1].id).update(actions="write")
    broken = carnet(settings, "audit", "verify")
    assert broken.returncode == 1
    assert "1 broken" in broken.stdout
    assert f"BROKEN patient {patient_id}: event {events[1].id} (sequence 2)" in broken.stderr

    other = carnet(settings, "audit", "verify", "--patient", str(patient_id + 1000))
    assert other.returncode == 0
