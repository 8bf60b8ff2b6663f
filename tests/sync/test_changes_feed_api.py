"""The `changes` feed: every write of every section, in order, ids only, paginated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api import clock
from api.identity.viewer import SESSION_COOKIE
from api.records.documents.models import Document
from api.sync.models import Change
from tests.consent.support import session
from tests.factories import make_patient
from tests.records.documents.helpers import PDF_BYTES
from tests.sync.support import ADD_ALLERGY, CHANGES, changes_of, codes, uploaded_id

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ENTRY_WRITES = [
    ("HISTORY", "HistoryEntry", "historyEntry", {"kind": "CONDITION", "code": "J45.9"},
     {"note": "Sous traitement"}),
    ("ALLERGIES", "Allergy", "allergy", {"substance": "Lait"}, {"reaction": "Urticaire"}),
    ("TREATMENTS", "Treatment", "treatment", {"medication": "Ventoline"}, {"dose": "2 bouffées"}),
    ("VACCINATIONS", "Vaccination", "vaccination",
     {"vaccineCode": "INFLUENZA", "date": "2025-10-15"}, {"lotNumber": "A12"}),
]


async def _entry_round_trip(owner: Any, patient_id: int, type_name: str, field: str,
                            values: dict[str, Any], changes: dict[str, Any]) -> str:
    added = await owner(
        f"mutation($i: Add{type_name}Input!) {{ add{type_name}(input: $i) "
        f"{{ {field} {{ id }} }} }}", i={"patientId": str(patient_id), **values})
    item_id = str(added["data"][f"add{type_name}"][field]["id"])
    await owner(f"mutation($i: Update{type_name}Input!) {{ update{type_name}(input: $i) "
                f"{{ userErrors {{ code }} }} }}", i={"id": item_id, **changes})
    await owner(f"mutation($id: ID!) {{ remove{type_name}(id: $id) {{ removedId }} }}",
                id=item_id)
    return item_id


async def test_every_kind_of_change_of_every_section_is_in_the_feed_in_order(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    expected: list[tuple[str, str, str]] = []
    for section, type_name, field, values, changes in ENTRY_WRITES:
        item_id = await _entry_round_trip(owner, patient.id, type_name, field, values, changes)
        expected += [(section, item_id, kind) for kind in ("CREATED", "UPDATED", "DELETED")]

    measured = await owner("""mutation($i: AddMeasurementInput!) { addMeasurement(input: $i)
        { measurement { id } } }""", i={"patientId": str(patient.id), "kind": "WEIGHT",
                                       "value": 60, "measuredAt": "2026-01-10T08:00:00+01:00"})
    measurement_id = measured["data"]["addMeasurement"]["measurement"]["id"]
    await owner("""mutation($i: UpdateMeasurementInput!) { updateMeasurement(input: $i)
        { userErrors { code } } }""", i={"id": measurement_id, "value": 61})
    await owner("mutation($id: ID!) { removeMeasurement(id: $id) { removedId } }",
                id=measurement_id)
    expected += [("MEASUREMENTS", measurement_id, k) for k in ("CREATED", "UPDATED", "DELETED")]

    save = """mutation($i: SaveDirectivesInput!) { saveDirectives(input: $i)
        { directives { __typename } userErrors { code } } }"""
    await owner(save, i={"patientId": str(patient.id), "advanceDirectives": "Pas d'acharnement."})
    await owner(save, i={"patientId": str(patient.id), "organDonation": "CONSENTS"})
    await owner("mutation($p: ID!) { confirmDirectives(patientId: $p) { userErrors { code } } }",
                p=str(patient.id))
    await owner("mutation($p: ID!) { clearDirectives(patientId: $p) { cleared } }",
                p=str(patient.id))
    [directives] = {c.item_id for c in await Change.filter(section="directives")}
    expected += [("DIRECTIVES", str(directives), k)
                 for k in ("CREATED", "UPDATED", "UPDATED", "DELETED")]

    document_id = await uploaded_id(owner, patient.id)
    await owner("""mutation($i: UpdateDocumentInput!) { updateDocument(input: $i)
        { userErrors { code } } }""", i={"id": document_id, "title": "Bilan sanguin"})
    await owner("mutation($id: ID!) { removeDocument(id: $id) { removedId } }", id=document_id)
    expected += [("DOCUMENTS", document_id, k) for k in ("CREATED", "UPDATED", "DELETED")]

    body = await owner(CHANGES, patientId=str(patient.id), first=100)
    assert changes_of(body) == expected
    assert body["data"]["changes"]["totalCount"] == len(expected)


async def test_a_refused_write_leaves_no_change(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    refused = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": " "})
    assert refused["data"]["addAllergy"]["userErrors"] != []
    assert changes_of(await owner(CHANGES, patientId=str(patient.id))) == []


async def test_pages_follow_each_other_and_the_last_cursor_waits_for_new_changes(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    ids = []
    for n in range(5):
        body = await owner(ADD_ALLERGY, input={"patientId": str(patient.id),
                                               "substance": f"S{n}"})
        ids.append(body["data"]["addAllergy"]["allergy"]["id"])
    seen: list[str] = []
    after = None
    totals = []
    for _ in range(3):
        page = (await owner(CHANGES, patientId=str(patient.id), after=after, first=2)
                )["data"]["changes"]
        seen += [c["itemId"] for c in page["items"]]
        totals.append(page["totalCount"])
        after = page["pageInfo"]["endCursor"]
    assert seen == ids and totals == [5, 3, 1]
    assert page["pageInfo"]["hasNextPage"] is False
    idle = (await owner(CHANGES, patientId=str(patient.id), after=after))["data"]["changes"]
    assert idle["items"] == [] and idle["pageInfo"]["endCursor"]
    body = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "S5"})
    new_id = body["data"]["addAllergy"]["allergy"]["id"]
    later = await owner(CHANGES, patientId=str(patient.id), after=idle["pageInfo"]["endCursor"])
    assert changes_of(later) == [("ALLERGIES", new_id, "CREATED")]


async def test_a_cursor_older_than_the_retention_is_refused_with_a_code(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    with clock.frozen_at(NOW):
        await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"})
        cursor = (await owner(CHANGES, patientId=str(patient.id))
                  )["data"]["changes"]["pageInfo"]["endCursor"]
    with clock.frozen_at(NOW + timedelta(days=30)):
        kept = await owner(CHANGES, patientId=str(patient.id), after=cursor)
    with clock.frozen_at(NOW + timedelta(days=30, seconds=1)):
        expired = await owner(CHANGES, patientId=str(patient.id), after=cursor)
    assert changes_of(kept) == []
    assert codes(expired) == ["CHANGES_CURSOR_EXPIRED"]
    assert expired["data"] is None or expired["data"]["changes"] is None


async def test_a_cursor_we_did_not_issue_is_refused(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    for cursor in ("nonsense", "MXwy", "LTF8MjAyNi0wMS0wMVQwMDowMDowMCswMDowMA=="):
        body = await owner(CHANGES, patientId=str(patient.id), after=cursor)
        assert codes(body) == ["BAD_CURSOR"], cursor


async def test_a_document_posted_with_the_plain_form_is_in_the_feed_too(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    owner.client.cookies.set(SESSION_COOKIE, owner.token)
    posted = await client.post(
        "/documents/upload", data={"csrf_token": owner.csrf, "patient_id": str(patient.id)},
        files={"file": ("scan.pdf", PDF_BYTES, "application/pdf")})
    assert posted.status_code == 303, posted.text
    [document] = await Document.filter(patient_id=patient.id)
    assert changes_of(await owner(CHANGES, patientId=str(patient.id))) == [
        ("DOCUMENTS", str(document.id), "CREATED")]
