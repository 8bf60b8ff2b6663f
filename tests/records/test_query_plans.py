"""The hot queries find their rows through an index, never by reading a whole table.

The benchmark's million-patient run (bench/, docs/benchmarks.md) holds only while every
statement of the hot paths can use an index: one sequential scan of the entries or the
access log and a professional's summary grows with the number of patients. This test runs
those paths on PostgreSQL, captures every statement with its values, and asks the planner
for each plan with sequential scans disabled: PostgreSQL then still chooses a sequential
scan only where no index can serve the query, which is what fails here, naming the table
and the statement. (Small test tables make the planner prefer sequential scans when it is
free to choose, so plans are not compared with scans allowed.)
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Account
from tests.consent.support import session
from tests.factories import make_professional
from tests.querycount import count_queries
from tests.records.test_summary_statements import _record

pytestmark = pytest.mark.db
OPERATIONS = Path(__file__).resolve().parents[2] / "web" / "operations"
SUMMARY = (OPERATIONS / "summary.graphql").read_text(encoding="utf-8")


def _scans(plan: dict[str, Any]) -> list[str]:
    """The tables read whole somewhere in this plan node or below it."""
    found = [plan.get("Relation Name", "?")] if plan.get("Node Type") == "Seq Scan" else []
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


async def _sequential_scans(calls: list[tuple[str, Any]]) -> list[tuple[list[str], str]]:
    found = []
    async with in_transaction() as connection:
        await connection.execute_script("SET LOCAL enable_seqscan = off")
        for statement, values in calls:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            rows = await connection.execute_query_dict(
                f"EXPLAIN (FORMAT JSON) {statement}", list(values or []))
            plan = rows[0]["QUERY PLAN"]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            tables = _scans(plan[0]["Plan"])
            if tables:
                found.append((tables, statement))
    return found


async def test_the_summary_and_the_overview_read_through_indexes(client, settings, db):
    if settings.is_sqlite:
        pytest.skip("needs PostgreSQL (pytest -m db --db=postgres): the plans checked are "
                    "those of the production database")
    patient = await _record(3)
    doctor = await make_professional()
    now = clock.now()
    await Grant.create(patient_id=patient.id, professional_id=doctor.id,
                       sections=encode_sections(set(Section)), write=False, created_at=now,
                       expires_at=now + timedelta(days=30))
    calls: list[tuple[str, Any]] = []
    for account in (await doctor.account, await Account.get(id=patient.account_id)):
        ask = await session(client, settings, account)
        await ask(SUMMARY, id=str(patient.id))
        with count_queries() as log:
            body = await ask(SUMMARY, id=str(patient.id))
            page = await client.get(f"/records/{patient.id}")
        assert "errors" not in body, body
        calls += log.calls
    assert page.status_code == 200, page.text[:500]
    assert len(calls) > 10
    assert connections.get("default").capabilities.dialect == "postgres"
    scans = await _sequential_scans(calls)
    assert not scans, "\n\n".join(f"{tables}: {statement}" for tables, statement in scans)


async def test_a_query_no_index_serves_is_reported(settings, db):
    if settings.is_sqlite:
        pytest.skip("needs PostgreSQL (pytest -m db --db=postgres)")
    scans = await _sequential_scans([
        ("SELECT id FROM allergy WHERE substance = $1", ["Pollen"]),
        ("SELECT id FROM allergy WHERE patient_id = $1", [1]),
    ])
    assert scans == [(["allergy"], "SELECT id FROM allergy WHERE substance = $1")]
