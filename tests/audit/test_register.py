"""The register of chains on the write path: a chain is registered when it starts, at the
cost of one statement then and none afterwards, correctly under concurrent starts."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from tortoise import connections
from tortoise.exceptions import BaseORMException
from tortoise.transactions import in_transaction

from api.audit.anchoring import write_anchor
from api.audit.locks import lock_chains
from api.audit.log import PendingEvent, ViewerSnapshot, append_events
from api.audit.models import AccessChainHead, AccessEvent, RegisterEntry, RegisterTip, RequestKind
from api.audit.register import REGISTER_LOCK
from api.audit.seal import key_for, seal_tip
from api.audit.verify import verify_chains
from api.consent.sections import Basis, Section
from api.settings import Settings
from tests.audit.conftest import grant, seed
from tests.factories import graphql, make_patient, make_professional, sign_in
from tests.querycount import count_queries


def _postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


def _pending(patient_id: int, account_id: int) -> PendingEvent:
    viewer = ViewerSnapshot(account_id, None, "Test NURSE", "nurse")
    return PendingEvent(patient_id=patient_id, viewer=viewer, basis=Basis.GRANT,
                        sections=frozenset({"allergies"}), actions=frozenset({"read"}),
                        request_kind=RequestKind.GRAPHQL)


async def _register() -> list[tuple[int, str, int | None]]:
    return [(e.position, e.kind, e.patient_id)
            for e in await RegisterEntry.all().order_by("position")]


async def test_a_chain_is_registered_by_its_first_event_only(
    db: None, settings: Settings
) -> None:
    first, second = await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(first.id, nurse, 3)
    await seed(second.id, nurse, 1)
    await seed(first.id, nurse, 1)
    assert await _register() == [(1, "chain", first.id), (2, "chain", second.id)]
    tip = await RegisterTip.get(id=1)
    newest = await RegisterEntry.get(position=2)
    assert (tip.position, tip.hash) == (2, newest.hash)
    assert tip.seal == seal_tip(key_for(settings.secret_key), 2, newest.hash)
    assert (await verify_chains(settings)).ok


async def test_appending_to_a_chain_that_exists_costs_no_register_statement(
    db: None,
) -> None:
    patient = await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(patient.id, nurse, 1)
    with count_queries() as log:
        await append_events([_pending(patient.id, nurse)])
    # PostgreSQL: the locks, where the chain ends, the event with its head (one statement);
    # SQLite: where the chain ends, the event, the head. As before the register.
    assert log.count == 3, log.statements
    assert not [s for s in log.statements if "INSERT INTO \"access_register" in s]


async def test_starting_a_chain_costs_one_statement_more_on_postgresql(db: None) -> None:
    patient = await make_patient()
    nurse = (await make_professional("nurse")).account_id
    with count_queries() as log:
        await append_events([_pending(patient.id, nurse)])
    writes = [s for s in log.statements if "access_register" in s and "INSERT" in s]
    if _postgres():  # the locks, the ends, the event with its head, the register's entry
        assert log.count == 4 and len(writes) == 1, log.statements
    else:  # SQLite has no data-modifying CTE: the entry, then the tip
        assert log.count == 5 and len(writes) == 2, log.statements


async def test_chains_started_at_once_get_one_position_each(
    db: None, settings: Settings
) -> None:
    patients = [(await make_patient()).id for _ in range(8)]
    nurse = (await make_professional("nurse")).account_id
    await seed(patients[0], nurse)  # one chain exists already; appends to it start nothing
    # 16 appends at once, each to two chains (overlapping, in both orders)
    pairs = [(patients[n % 8], patients[(n + 1 + n // 8) % 8]) for n in range(16)]
    await asyncio.gather(*(append_events([_pending(a, nurse), _pending(b, nurse)])
                           for a, b in pairs))
    register = await _register()
    assert [position for position, _, _ in register] == list(range(1, 9))
    assert sorted(patient for _, _, patient in register) == sorted(patients)
    report = await verify_chains(settings)
    assert report.ok, report.lines()
    assert report.events == 1 + 32


async def test_the_server_does_not_move_a_tip_out_of_step(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    first, second, third = await make_patient(), await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(first.id, nurse)
    await seed(second.id, nurse)
    async with tampering():  # the newest entry goes, the tip is put back on the one before
        await RegisterEntry.filter(position=2).delete()
        one = await RegisterEntry.get(position=1)
        await RegisterTip.filter(id=1).update(position=1, hash=one.hash)
    await seed(third.id, nurse)  # a chain starts: it is registered, the tip stays
    assert [p for p, _, _ in await _register()] == [1, 2]
    tip = await RegisterTip.get(id=1)
    assert (tip.position, tip.hash) == (1, one.hash)
    lines = (await verify_chains(settings)).lines()
    assert "register: the register's tip (entry 1) has a wrong seal: it was forged or altered" in (
        lines)


async def test_a_chain_erased_with_its_head_is_named_without_an_anchor(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    patient, other = await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(patient.id, nurse, 3)
    await seed(other.id, nurse, 2)
    async with tampering():
        await AccessEvent.filter(patient_id=patient.id).delete()
    await AccessChainHead.filter(patient_id=patient.id).delete()
    report = await verify_chains(settings)
    assert report.lines()[1:] == [
        f"patient {patient.id}: the register says its chain started (entry 1) but its events "
        "and head are gone: the whole history was erased"]
    assert not (await verify_chains(settings, patient_id=patient.id)).ok
    assert (await verify_chains(settings, patient_id=other.id)).ok


async def test_a_history_that_went_with_its_deleted_record_is_no_break(
    db: None, settings: Settings
) -> None:
    patient = await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(patient.id, nurse, 2)
    _, anchor = await write_anchor(settings)
    assert anchor is not None
    await seed((await make_patient()).id, nurse, 1)
    await patient.delete()  # the record is destroyed: its events and head go with it
    report = await verify_chains(settings, anchor=anchor)
    assert report.ok, report.lines()
    assert "1 history went with a deleted patient record." in report.notes()
    assert report.anchor == anchor.position == 2


async def test_the_migration_registers_the_chains_written_before_it(
    db: None, settings: Settings, tampering: Callable[[], Any]
) -> None:
    migration = importlib.import_module("api.audit.migrations.0004_register_access_chains")
    first, second = await make_patient(), await make_patient()
    nurse = (await make_professional("nurse")).account_id
    await seed(second.id, nurse, 2)
    await seed(first.id, nurse, 1)
    async with tampering():
        await RegisterEntry.all().delete()  # as before the migration
        await RegisterTip.all().delete()
    editor = SimpleNamespace(client=connections.get("default"))
    await migration.register_existing_chains(None, editor)
    assert await _register() == [(1, "chain", min(first.id, second.id)),
                                 (2, "chain", max(first.id, second.id))]
    assert (await verify_chains(settings)).ok


async def test_postgresql_refuses_to_change_or_delete_the_register(
    db: None, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    patient = await make_patient()
    await seed(patient.id, (await make_professional("nurse")).account_id)
    _, anchor = await write_anchor(settings)
    assert anchor is not None
    conn = connections.get("default")
    for statement in ("UPDATE access_register SET patient_id = 0",
                      "DELETE FROM access_register",
                      "DELETE FROM access_anchor_chain"):
        with pytest.raises(BaseORMException, match="append-only"):
            await conn.execute_script(statement)


ALLERGIES = """query Read($patientId: ID!) { patient(id: $patientId) {
  allergies { items { substance } } } }"""


async def _read(client: httpx.AsyncClient, csrf: str, patient_id: int) -> list[str]:
    """The statements of one professional read of a record, over HTTP."""
    with count_queries() as log:
        body = await graphql(client, csrf, ALLERGIES, {"patientId": str(patient_id)})
    assert "errors" not in body, body
    return log.statements


async def test_a_professional_read_costs_one_statement_more_on_the_first_visit_only(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    nurse = await make_professional("nurse")
    warm, patient = await make_patient(), await make_patient()
    for record in (warm, patient):
        await grant(record, nurse, Section.ALLERGIES)
    csrf = await sign_in(client, await nurse.account, settings.secret_key)  # type: ignore[arg-type]
    await _read(client, csrf, warm.id)  # caches that are not per request
    first = await _read(client, csrf, patient.id)
    second = await _read(client, csrf, patient.id)
    register = [s for s in first if "access_register" in s and "INSERT" in s]
    print(f"professional read: {len(first)} statements on the first visit, {len(second)} after")
    assert len(register) == (1 if _postgres() else 2)
    assert len(first) == len(second) + len(register), (first, second)
    assert not [s for s in second if "INSERT INTO \"access_register" in s]
    assert await _register() == [(1, "chain", warm.id), (2, "chain", patient.id)]


_ADVISORY_LOCKS = ("SELECT classid FROM pg_locks WHERE locktype = 'advisory' "
                   "AND pid = pg_backend_pid()")


async def test_on_postgresql_only_an_append_that_may_start_a_chain_locks_the_register(
    db: None, settings: Settings
) -> None:
    if settings.is_sqlite:
        pytest.skip("SQLite serialises writers itself: no advisory locks")
    existing, new = await make_patient(), await make_patient()
    await seed(existing.id, (await make_professional("nurse")).account_id)
    for patients, register_locked in (([existing.id], False), ([existing.id, new.id], True)):
        async with in_transaction() as connection:
            await lock_chains(connection, patients)
            held = [row["classid"] for row in await connection.execute_query_dict(
                _ADVISORY_LOCKS)]
        assert len(held) == len(patients) + register_locked
        assert (REGISTER_LOCK in held) is register_locked
