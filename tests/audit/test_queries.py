"""`accessHistory`: the patient sees who accessed their record; professionals never do."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from api.audit.log import record_event
from api.audit.models import AccessEvent, RequestKind
from api.consent.sections import Action, Basis, Section
from api.identity.models import Patient
from api.settings import Settings
from tests.audit.conftest import grant, make_treating_doctor, seed
from tests.factories import graphql, make_patient, make_professional, sign_in
from tests.querycount import count_queries

HISTORY = """
query History($patientId: ID!, $professionalId: ID, $basis: AccessBasis, $first: Int,
              $after: String) {
  accessHistory(patientId: $patientId, professionalId: $professionalId, basis: $basis,
                first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    items { viewerName viewerProfession professionalId basis sections actions emergency
            requestKind detail occurredAt }
  }
}
"""


async def _ask(client: httpx.AsyncClient, settings: Settings, viewer: Any,
               **variables: object) -> dict[str, Any]:
    csrf = await sign_in(client, viewer, settings.secret_key)
    return await graphql(client, csrf, HISTORY, variables)  # type: ignore[return-value]


def _page(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    page: dict[str, Any] = body["data"]["accessHistory"]
    return page


async def _patient_with_visits() -> tuple[Patient, Any, Any]:
    patient = await make_patient()
    nurse = await make_professional("nurse", last_name="INFIRMIERE")
    doctor = await make_professional("emergency_physician", last_name="URGENCE")
    await seed(patient.id, nurse.account_id, 3, basis=Basis.GRANT)
    await record_event(patient_id=patient.id, viewer_account_id=doctor.account_id,
                       basis=Basis.EMERGENCY, sections=(), actions=(),
                       request_kind=RequestKind.EMERGENCY_OPEN, detail="Found unconscious")
    await record_event(patient_id=patient.id, viewer_account_id=doctor.account_id,
                       basis=Basis.EMERGENCY, sections=(Section.ALLERGIES, Section.TREATMENTS),
                       actions=(Action.READ,), request_kind=RequestKind.GRAPHQL)
    return patient, nurse, doctor


async def test_the_patient_sees_who_accessed_the_record_newest_first(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient, _, doctor = await _patient_with_visits()
    page = _page(await _ask(client, settings, await patient.account, patientId=str(patient.id)))
    assert page["totalCount"] == 5
    assert not page["pageInfo"]["hasNextPage"]
    newest, opening, *older = page["items"]
    assert newest == {
        "viewerName": "Test URGENCE", "viewerProfession": "emergency_physician",
        "professionalId": str(doctor.id), "basis": "EMERGENCY",
        "sections": ["ALLERGIES", "TREATMENTS"], "actions": ["READ"], "emergency": True,
        "requestKind": "GRAPHQL", "detail": None, "occurredAt": newest["occurredAt"],
    }
    assert (opening["requestKind"], opening["detail"], opening["sections"]) == (
        "EMERGENCY_OPEN", "Found unconscious", [])
    assert {(e["viewerName"], e["basis"], e["emergency"]) for e in older} == {
        ("Test INFIRMIERE", "GRANT", False)}


async def test_the_history_comes_in_pages(client: httpx.AsyncClient, settings: Settings) -> None:
    patient, _, _ = await _patient_with_visits()
    account = await patient.account
    seen: list[str] = []
    after = None
    for expected in (2, 2, 1):
        page = _page(await _ask(client, settings, account, patientId=str(patient.id), first=2,
                                after=after))
        assert len(page["items"]) == expected and page["totalCount"] == 5
        seen += [e["requestKind"] + e["viewerName"] for e in page["items"]]
        after = page["pageInfo"]["endCursor"]
        assert page["pageInfo"]["hasNextPage"] is (expected == 2)
    assert len(seen) == 5
    assert seen[:2] == ["GRAPHQLTest URGENCE", "EMERGENCY_OPENTest URGENCE"]


async def test_the_history_filters_by_professional_and_by_basis(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient, nurse, doctor = await _patient_with_visits()
    account = await patient.account
    by_nurse = _page(await _ask(client, settings, account, patientId=str(patient.id),
                                professionalId=str(nurse.id)))
    assert by_nurse["totalCount"] == 3
    assert {e["viewerName"] for e in by_nurse["items"]} == {"Test INFIRMIERE"}
    emergencies = _page(await _ask(client, settings, account, patientId=str(patient.id),
                                   basis="EMERGENCY", first=1))
    assert emergencies["totalCount"] == 2 and emergencies["pageInfo"]["hasNextPage"]
    assert emergencies["items"][0]["professionalId"] == str(doctor.id)
    both = _page(await _ask(client, settings, account, patientId=str(patient.id),
                            professionalId=str(nurse.id), basis="EMERGENCY"))
    assert both["totalCount"] == 0 and both["items"] == []


async def test_a_parent_reads_a_child_history_without_adding_to_it(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    parent = await make_patient()
    child = await make_patient(account=False, birth_date=date(2015, 6, 1),
                               guardian=await parent.account)
    nurse = await make_professional("nurse")
    await seed(child.id, nurse.account_id, 2)
    page = _page(await _ask(client, settings, await parent.account, patientId=str(child.id)))
    assert page["totalCount"] == 2
    assert await AccessEvent.filter(patient_id=child.id).count() == 2


async def test_a_professional_never_reads_the_access_history(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient = await make_patient()
    doctor = await make_professional("physician")
    nurse = await make_professional("nurse")
    await make_treating_doctor(patient, doctor)
    await grant(patient, nurse, Section.ALLERGIES)
    for professional in (doctor, nurse):
        body = await _ask(client, settings, await professional.account,
                          patientId=str(patient.id))
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "CONSENT_REQUIRED"
    assert await AccessEvent.all().count() == 0


async def test_a_stranger_is_told_the_patient_does_not_exist(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient, other = await make_patient(), await make_patient()
    stranger = await make_professional("physician")
    for viewer in (await other.account, await stranger.account):
        body = await _ask(client, settings, viewer, patientId=str(patient.id))
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await _ask(client, settings, await other.account, patientId="999999")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_bad_ids_and_cursors_are_clear_errors(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient = await make_patient()
    account = await patient.account
    for variables, code in (({"patientId": "abc"}, "BAD_ID"),
                            ({"patientId": str(patient.id), "after": "bm90LWEtbnVtYmVy"},
                             "BAD_CURSOR"),
                            ({"patientId": str(patient.id), "after": "%%%"}, "BAD_CURSOR"),
                            ({"patientId": str(patient.id), "first": 500}, "BAD_PAGE_SIZE")):
        body = await _ask(client, settings, account, **variables)
        assert body["errors"][0]["extensions"]["code"] == code, variables


async def test_a_page_costs_the_same_statements_whatever_its_length(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    account = await patient.account
    await seed(patient.id, nurse.account_id, 2)
    csrf = await sign_in(client, account, settings.secret_key)  # type: ignore[arg-type]
    variables = {"patientId": str(patient.id)}
    await graphql(client, csrf, HISTORY, variables)  # warm the session and caches
    with count_queries() as small:
        await graphql(client, csrf, HISTORY, variables)
    await seed(patient.id, nurse.account_id, 30)
    with count_queries() as large:
        body = await graphql(client, csrf, HISTORY, variables)
    assert _page(body)["totalCount"] == 32
    assert large.count == small.count
