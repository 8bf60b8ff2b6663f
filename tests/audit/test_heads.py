"""Sealed chain heads: deleting a chain's newest events, or all of them, no longer goes unseen."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api.audit import seal
from api.audit.chain import EventContent, event_hash
from api.audit.log import PendingEvent, ViewerSnapshot, append_events, record_event
from api.audit.models import AccessChainHead, AccessEvent, RequestKind
from api.audit.verify import verify_chains
from api.consent.sections import Action, Basis, Section
from api.settings import Settings
from tests.audit.conftest import chain_of, seed
from tests.factories import make_patient, make_professional
from tests.querycount import count_queries


async def _history(events: int = 5) -> tuple[int, int, list[AccessEvent]]:
    """A patient whose history holds `events` reads by a nurse: patient, nurse's account,
    the events."""
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await seed(patient.id, nurse.account_id, events)
    return patient.id, nurse.account_id, await chain_of(patient.id)


async def _head(patient_id: int) -> AccessChainHead | None:
    return await AccessChainHead.get_or_none(patient_id=patient_id)


async def test_each_append_moves_the_sealed_head_to_the_newest_event(
    db: None, settings: Settings
) -> None:
    patient_id, _, events = await _history(3)
    head = await _head(patient_id)
    assert head is not None
    assert (head.sequence, head.hash) == (3, events[-1].hash)
    key = seal.key_for(settings.secret_key)
    assert head.seal == seal.seal(key, patient_id, 3, events[-1].hash)
    report = await verify_chains(settings)
    assert report.ok, report.lines()


async def test_deleting_the_newest_event_is_named_with_its_sequence(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, _, events = await _history(5)
    await _history(2)  # another patient, untouched
    async with tampering():
        await AccessEvent.filter(id=events[-1].id).delete()
    report = await verify_chains(settings)
    (broken,) = report.breaks
    assert (broken.patient_id, broken.event_id, broken.sequence) == (patient_id, None, 5)
    assert "newest event (sequence 4): event 5 was deleted" in broken.problem
    assert report.lines()[1] == f"patient {patient_id}: {broken.problem}"
    assert patient_id not in report.heads


async def test_deleting_the_newest_events_says_which(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, _, events = await _history(9)
    async with tampering():
        await AccessEvent.filter(id__in=[e.id for e in events[7:]]).delete()
    (broken,) = (await verify_chains(settings, page=3)).breaks
    assert broken.patient_id == patient_id
    assert "events 8 to 9 were deleted" in broken.problem


async def test_deleting_every_event_of_a_patient_is_detected(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, _, _ = await _history(3)
    await _history(2)
    async with tampering():
        await AccessEvent.filter(patient_id=patient_id).delete()
    report = await verify_chains(settings)
    (broken,) = report.breaks
    assert broken.patient_id == patient_id
    assert "no events: events 1 to 3 were deleted" in broken.problem
    assert (report.chains, report.events) == (2, 2)
    assert not (await verify_chains(settings, patient_id=patient_id)).ok


@pytest.mark.parametrize("change", [{"sequence": 4}, {"hash": "f" * 64}],
                         ids=["sequence", "hash"])
async def test_an_edited_head_has_a_wrong_seal(
    db: None, settings: Settings, tampering: Callable[[], Any], change: dict[str, Any]
) -> None:
    patient_id, _, events = await _history(5)
    async with tampering():  # the newest event goes, and the head is moved back by hand
        await AccessEvent.filter(id=events[-1].id).delete()
    await AccessChainHead.filter(patient_id=patient_id).update(**change)
    (broken,) = (await verify_chains(settings)).breaks
    assert broken.patient_id == patient_id
    assert "has a wrong seal: the head was forged or altered" in broken.problem


async def test_a_head_sealed_with_another_key_is_refused(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, _, events = await _history(5)
    async with tampering():
        await AccessEvent.filter(id__in=[e.id for e in events[3:]]).delete()
    forged = seal.seal(seal.key_for("a guess at the secret, " + "x" * 40), patient_id, 3,
                       events[2].hash)
    await AccessChainHead.filter(patient_id=patient_id).update(
        sequence=3, hash=events[2].hash, seal=forged)
    (broken,) = (await verify_chains(settings)).breaks
    assert "wrong seal" in broken.problem
    other = Settings(database_url=settings.database_url, secret_key="another " + "k" * 40)
    assert "wrong seal" in (await verify_chains(other)).breaks[0].problem


async def test_a_deleted_head_is_detected(db: None, settings: Settings) -> None:
    patient_id, _, _ = await _history(2)
    await AccessChainHead.filter(patient_id=patient_id).delete()
    (broken,) = (await verify_chains(settings)).breaks
    assert broken.problem == ("chain head is missing (the history holds 2 events): "
                              "the head was deleted")


async def test_a_rewritten_newest_event_is_detected_though_its_hash_was_recomputed(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    _, _, events = await _history(3)
    newest = events[-1]
    newest.viewer_name = "Somebody Else"
    async with tampering():
        await AccessEvent.filter(id=newest.id).update(
            viewer_name=newest.viewer_name,
            hash=event_hash(EventContent.of(newest), newest.prev_hash))
    (broken,) = (await verify_chains(settings)).breaks
    assert "does not match event 3: the newest events were replaced" in broken.problem


async def test_the_server_does_not_seal_over_a_deletion(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, nurse, events = await _history(5)
    async with tampering():
        await AccessEvent.filter(id__in=[e.id for e in events[3:]]).delete()
    await seed(patient_id, nurse, 1)  # the history keeps being written...
    assert [e.sequence for e in await chain_of(patient_id)] == [1, 2, 3, 4]
    head = await _head(patient_id)
    assert head is not None and (head.sequence, head.hash) == (5, events[-1].hash)  # ...not sealed
    (broken,) = (await verify_chains(settings)).breaks
    assert "newest event (sequence 4): event 5 was deleted" in broken.problem


async def test_the_server_does_not_seal_over_a_head_moved_back_by_hand(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient_id, nurse, events = await _history(5)
    async with tampering():
        await AccessEvent.filter(id=events[-1].id).delete()
    await AccessChainHead.filter(patient_id=patient_id).update(sequence=4, hash=events[3].hash)
    await seed(patient_id, nurse, 1)
    head = await _head(patient_id)
    assert head is not None and (head.sequence, head.hash) == (4, events[3].hash)
    assert "wrong seal" in (await verify_chains(settings)).breaks[0].problem


async def test_the_server_does_not_recreate_a_deleted_head(db: None, settings: Settings) -> None:
    patient_id, nurse, _ = await _history(2)
    await AccessChainHead.filter(patient_id=patient_id).delete()
    await seed(patient_id, nurse, 1)
    assert await _head(patient_id) is None
    assert "chain head is missing" in (await verify_chains(settings)).breaks[0].problem


async def _seed_in(connection: Any, patient_id: int, account_id: int) -> None:
    await record_event(patient_id=patient_id, viewer_account_id=account_id, basis=Basis.GRANT,
                       sections=(Section.ALLERGIES,), actions=(Action.READ,),
                       request_kind=RequestKind.GRAPHQL, connection=connection)


async def test_a_rolled_back_write_leaves_neither_events_nor_a_moved_head(
    db: None, settings: Settings
) -> None:
    patient_id, nurse, _ = await _history(2)
    before = await _head(patient_id)
    with pytest.raises(RuntimeError, match="the write failed"):
        async with in_transaction() as connection:
            await _seed_in(connection, patient_id, nurse)
            raise RuntimeError("the write failed")
    assert len(await chain_of(patient_id)) == 2
    after = await _head(patient_id)
    assert before is not None and after is not None
    assert (after.sequence, after.hash, after.seal) == (before.sequence, before.hash, before.seal)
    assert (await verify_chains(settings)).ok


async def test_a_first_write_rolled_back_leaves_no_head(db: None) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            await _seed_in(connection, patient.id, nurse.account_id)
            raise RuntimeError("the write failed")
    assert await _head(patient.id) is None
    assert await AccessEvent.filter(patient_id=patient.id).count() == 0


def _pending(patient_id: int, account_id: int, section: str) -> PendingEvent:
    viewer = ViewerSnapshot(account_id, None, "Test DOC", "nurse")
    return PendingEvent(patient_id=patient_id, viewer=viewer, basis=Basis.GRANT,
                        sections=frozenset({section}), actions=frozenset({"read"}),
                        request_kind=RequestKind.GRAPHQL)


async def test_one_append_for_several_patients_moves_each_head_in_one_statement(
    db: None, settings: Settings
) -> None:
    first, nurse, _ = await _history(2)
    second, _, _ = await _history(0)  # a chain that starts with this append
    pending = [_pending(first, nurse, "allergies"), _pending(second, nurse, "allergies"),
               _pending(first, nurse, "treatments")]
    with count_queries() as log:
        await append_events(pending)
    postgres = connections.get("default").capabilities.dialect == "postgres"
    # PostgreSQL: the locks, the ends, the events with their heads in one statement, then the
    # new chain's register entry and tip in one; SQLite: the ends, the events, the heads, the
    # register entry, its tip (api/audit/register.py)
    expected = 3 + 1 if postgres else 3 + 2
    assert log.count == expected, log.statements
    moves = [s for s in log.statements if 'INSERT INTO "access_chain_head"' in s]
    assert len(moves) == 1, log.statements
    if postgres:  # the events and their heads together
        assert moves[0].startswith('WITH "inserted" AS (INSERT INTO "access_event"')
    for patient_id, newest in ((first, 4), (second, 1)):
        events = await chain_of(patient_id)
        head = await _head(patient_id)
        assert head is not None and len(events) == newest
        assert (head.sequence, head.hash) == (newest, events[-1].hash)
    assert (await verify_chains(settings)).ok


async def test_nothing_is_appended_without_a_sealing_key(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    monkeypatch.setattr(seal, "_key", None)
    with pytest.raises(RuntimeError, match="No key to seal access chain heads"):
        await seed(patient.id, nurse.account_id)
    assert await AccessEvent.filter(patient_id=patient.id).count() == 0
    assert await _head(patient.id) is None


async def test_the_migration_seals_the_heads_of_chains_written_before_it(
    db: None, settings: Settings
) -> None:
    migration = importlib.import_module("api.audit.migrations.0003_seal_chain_heads")
    first, _, _ = await _history(3)
    second, _, _ = await _history(1)
    await AccessChainHead.all().delete()  # as before the migration
    editor = SimpleNamespace(client=connections.get("default"))
    await migration.seal_existing_heads(None, editor)
    assert {(h.patient_id, h.sequence) for h in await AccessChainHead.all()} == {
        (first, 3), (second, 1)}
    assert (await verify_chains(settings)).ok
