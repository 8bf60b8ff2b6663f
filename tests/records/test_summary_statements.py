"""The printable summary costs a fixed, small number of SQL statements, whatever the record.

``RecordSummary`` (web/operations/summary.graphql) as the professional (a grant on every
section, so the policy, the loaders and the access history all run) and as the owner, for
a record with one entry per section and one with six. A loader that goes N+1 again, or a
new statement per section, fails here with the statements listed.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Account, Patient
from api.records.directives.models import Directives
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from tests.consent.support import session
from tests.factories import make_patient, make_professional
from tests.querycount import count_queries

SUMMARY = (Path(__file__).resolve().parents[2] / "web" / "operations"
           / "summary.graphql").read_text(encoding="utf-8")
# What the summary costs today; a change that adds statements must lower a cost elsewhere
# or say why here. On PostgreSQL the access chain's advisory lock is one statement more and
# the event written with its chain's head one less (api/audit/log.py): the same count.
PROFESSIONAL_AT_MOST = 12  # with the session, read first
OWNER_AT_MOST = 9
KINDS = (("weight", "kg", 70), ("height", "cm", 170), ("heart_rate", "/min", 70),
         ("glucose", "g/L", 1), ("spo2", "%", 98))


async def _record(entries: int) -> Patient:
    patient = await make_patient()
    author = patient.account_id
    now = clock.now()
    for n in range(entries):
        common = {"patient_id": patient.id, "created_by_id": author, "updated_by_id": author,
                  "created_at": now, "updated_at": now}
        await Allergy.create(substance=f"Pollen {n}", **common)
        await Treatment.create(medication=f"Ventoline {n}", start_date=date(2020, 1, 1 + n),
                               **common)
        await HistoryEntry.create(kind="condition", code="J45.9", status="active",
                                  onset_date=date(2010, 1, 1 + n), **common)
        await Vaccination.create(vaccine_code="MMR", date=date(2000, 1, 1 + n), **common)
        for kind, unit, value in KINDS:
            await Measurement.create(kind=kind, value=value, unit=unit,
                                     measured_at=now - timedelta(days=n), **common)
    await Directives.create(patient_id=patient.id, advance_directives="Pas d'acharnement.",
                            created_by_id=author, updated_by_id=author, created_at=now,
                            updated_at=now)
    return patient


async def _statements(client, settings, entries: int) -> dict[str, int]:
    patient = await _record(entries)
    doctor = await make_professional()
    now = clock.now()
    await Grant.create(patient_id=patient.id, professional_id=doctor.id,
                       sections=encode_sections(set(Section)), write=False, created_at=now,
                       expires_at=now + timedelta(days=30))
    found = {}
    for who, account in (("professional", await doctor.account),
                         ("owner", await Account.get(id=patient.account_id))):
        ask = await session(client, settings, account)
        await ask(SUMMARY, id=str(patient.id))  # warms what is cached per process
        with count_queries() as log:
            body = await ask(SUMMARY, id=str(patient.id))
        assert "errors" not in body, body
        record = body["data"]["patient"]
        assert record["allergies"]["totalCount"] == entries
        assert len(record["vaccinations"]["items"]) == entries
        assert record["weight"]["items"], record
        found[who] = log.count
        found[f"{who} statements"] = "\n".join(log.statements)  # type: ignore[assignment]
    return found


async def test_the_summary_costs_the_same_few_statements_for_one_or_six_entries(
        client, settings, db):
    one = await _statements(client, settings, 1)
    six = await _statements(client, settings, 6)
    for who, most in (("professional", PROFESSIONAL_AT_MOST), ("owner", OWNER_AT_MOST)):
        assert one[who] == six[who], (who, one[f"{who} statements"], six[f"{who} statements"])
        assert one[who] <= most, (who, one[who], one[f"{who} statements"])
