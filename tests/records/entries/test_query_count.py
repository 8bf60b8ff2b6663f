"""Reading the four sections costs the same SQL statements for 1 entry or 30 per section."""

from datetime import date, timedelta

from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    HistoryStatus,
    Treatment,
    Vaccination,
)
from api.records.provenance import stamp_created
from tests.factories import make_professional
from tests.querycount import count_queries
from tests.records.entries.helpers import SECTIONS

_SECTION_PAGES = " ".join(
    f"{api.field}(first: 100) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
    f"items {{ {api.fields} }} }}"
    for api in SECTIONS.values()
)
WHOLE_RECORD = f"query {{ me {{ patient {{ {_SECTION_PAGES} }} }} }}"


async def _fill(patient_id: int, authors: list[int], count: int) -> None:
    # Each section starts with a different author, so authors come from every section.
    def stamped(section: int, n: int, values: dict) -> dict:
        author = authors[(section + n) % len(authors)]
        return stamp_created({"patient_id": patient_id, **values}, author)

    start = date(2000, 1, 1)
    await HistoryEntry.bulk_create([
        HistoryEntry(**stamped(0, n, {"kind": HistoryKind.CONDITION, "code": "J45.9",
                                      "status": HistoryStatus.ACTIVE,
                                      "onset_date": start + timedelta(days=n)}))
        for n in range(count)])
    await Allergy.bulk_create([
        Allergy(**stamped(1, n, {"substance": f"Substance {n}"})) for n in range(count)])
    await Treatment.bulk_create([
        Treatment(**stamped(2, n, {"medication": f"Médicament {n}",
                                   "start_date": start + timedelta(days=n)}))
        for n in range(count)])
    await Vaccination.bulk_create([
        Vaccination(**stamped(3, n, {"vaccine_code": "INFLUENZA",
                                     "date": start + timedelta(days=365 * n % 9000)}))
        for n in range(count)])


async def _statements_for_whole_record(owner) -> int:
    with count_queries() as log:
        body = await owner.run(WHOLE_RECORD)
    assert "errors" not in body, body
    return log.count


async def test_the_whole_record_costs_the_same_statements_for_1_or_30_entries(owner):
    doctor, nurse = await make_professional(), await make_professional("nurse")
    authors = [owner.account.id, doctor.account_id, nurse.account_id]
    await _fill(owner.patient.id, authors, 1)
    with_one = await _statements_for_whole_record(owner)

    await HistoryEntry.filter(patient_id=owner.patient.id).delete()
    await Allergy.filter(patient_id=owner.patient.id).delete()
    await Treatment.filter(patient_id=owner.patient.id).delete()
    await Vaccination.filter(patient_id=owner.patient.id).delete()
    await _fill(owner.patient.id, authors, 30)
    with_thirty = await _statements_for_whole_record(owner)

    print(f"\nwhole record (4 sections): {with_one} SQL statements with 1 entry per section, "
          f"{with_thirty} with 30")
    assert with_one == with_thirty
