"""A professional listing many patients' sections costs a fixed number of SQL statements.

The statements counted include those sent inside transactions, so the access history
written for every patient read is counted too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from api import clock
from api.audit.models import AccessEvent
from api.consent.sections import Section
from api.identity.models import Patient, Professional
from api.records.documents.models import Document
from api.records.entries.models import Allergy
from api.records.measurements.models import Measurement
from api.records.provenance import stamp_created
from api.settings import Settings
from tests.consent.support import patients_granting, session
from tests.factories import make_professional
from tests.querycount import count_queries

# Page sizes are given: with the defaults (50 per list) these queries would ask for more
# objects than a query may cost (QUERY_TOO_COSTLY).
ALLERGIES = ("{ patients(first: 50) { items { allergies(first: 10) "
             "{ totalCount items { substance } } } } }")
EVERY_LIST = """{ patients(first: 50) { items {
  allergies(first: 10) { totalCount items { substance provenance { createdBy { name } } } }
  vaccinations(first: 10) { totalCount items { vaccineCode } }
  measurements(kind: WEIGHT, first: 2) { totalCount pageInfo { hasNextPage } items { value } }
  documents(first: 5) { totalCount items { title } }
} } }"""
SHARED = frozenset({Section.ALLERGIES, Section.VACCINATIONS, Section.MEASUREMENTS,
                    Section.DOCUMENTS})


async def _patients_granting(nurse: Professional, count: int) -> list[Patient]:
    """`count` patients who shared some sections with the nurse, with a few entries each."""
    patients = await patients_granting(nurse, count, SHARED)
    now, author = clock.now(), nurse.account_id
    await Allergy.bulk_create([
        Allergy(**stamp_created({"patient_id": p.id, "substance": f"Substance {n}.{k}"}, author))
        for n, p in enumerate(patients) for k in range(n % 4)])
    await Measurement.bulk_create([
        Measurement(**stamp_created({"patient_id": p.id, "kind": "weight", "unit": "kg",
                                     "value": 60 + k, "measured_at": now - timedelta(days=k)},
                                    author))
        for n, p in enumerate(patients) for k in range(n % 3)])
    await Document.bulk_create([
        Document(**stamp_created({
            "patient_id": p.id, "title": f"Compte rendu {n}", "type_code": "11488-4",
            "category": "report", "content_type": "application/pdf", "size_bytes": 10,
            "sha256": "0" * 64, "storage_key": f"{p.id:032x}", "document_date": date(2025, 1, 1),
        }, author))
        for n, p in enumerate(patients) if n % 2])
    return patients


async def _statements(client: httpx.AsyncClient, settings: Settings, count: int, query: str
                      ) -> tuple[int, dict[str, Any], list[Patient]]:
    """The statements a nurse's listing of `count` patients costs, the answer, the patients."""
    nurse = await make_professional("nurse")
    patients = await _patients_granting(nurse, count)
    reader = await session(client, settings, nurse)
    with count_queries() as log:
        body = await reader(query)
    assert "errors" not in body, body
    return log.count, body, patients


async def _five_then_fifty(client: httpx.AsyncClient, settings: Settings, query: str,
                           what: str) -> tuple[int, int, list[dict[str, Any]], list[Patient]]:
    five, _, _ = await _statements(client, settings, 5, query)
    fifty, body, patients = await _statements(client, settings, 50, query)
    print(f"\nlisting {what} of 5 patients: {five} SQL statements; of 50: {fifty}")
    return five, fifty, body["data"]["patients"]["items"], patients


async def test_listing_fifty_patients_allergies_costs_as_many_statements_as_five(
    client: httpx.AsyncClient, settings: Settings, db: None
) -> None:
    five, fifty, items, patients = await _five_then_fifty(client, settings, ALLERGIES,
                                                          "the allergies")
    assert [item["allergies"]["totalCount"] for item in items] == [n % 4 for n in range(50)]
    assert items[3]["allergies"]["items"] == [
        {"substance": f"Substance 3.{k}"} for k in (2, 1, 0)]
    # Every patient read has their event in their history, written by the same statements.
    assert await AccessEvent.filter(patient_id__in=[p.id for p in patients]).count() == 50
    assert fifty == five


async def test_listing_every_list_of_fifty_patients_costs_as_much_as_five(
    client: httpx.AsyncClient, settings: Settings, db: None
) -> None:
    five, fifty, items, _ = await _five_then_fifty(client, settings, EVERY_LIST,
                                                   "four sections")
    weights = [item["measurements"] for item in items]
    assert [w["totalCount"] for w in weights] == [n % 3 for n in range(50)]
    assert weights[2] == {"totalCount": 2, "pageInfo": {"hasNextPage": False},
                          "items": [{"value": 60.0}, {"value": 61.0}]}
    assert [item["documents"]["totalCount"] for item in items] == [n % 2 for n in range(50)]
    assert items[1]["documents"]["items"] == [{"title": "Compte rendu 1"}]
    assert items[1]["allergies"]["items"][0]["provenance"]["createdBy"]["name"] == "Test DOC"
    assert fifty == five
