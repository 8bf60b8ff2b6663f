"""Every answer about a record goes through ``authorize``: refused the same way, and in the
access history exactly when something of the record was read.

One test per path through the GraphQL API: the record itself and its name, a lookup by
INS, the access history, the consent pages, a professional's view of a shared record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import Block, Grant, TreatingDoctor, encode_sections
from api.consent.sections import Section
from api.graphql.context import Context
from api.identity.models import Account, Patient, Professional
from api.identity.viewer import Viewer
from api.root.schema import schema
from api.settings import Settings
from tests.factories import make_patient, make_professional

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RECORD = "query($id: ID!) { patient(id: $id) { id displayName } }"
FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { patient { id displayName } } }"""
HISTORY = "query($id: ID!) { accessHistory(patientId: $id) { totalCount } }"
GRANTS = "query($id: ID!) { grants(patientId: $id) { totalCount } }"
SHARED = """query($id: ID!) { sharedRecord(patientId: $id) {
  patient { displayName } readableSections } }"""


async def _ask(settings: Settings, account: Account, query: str, **variables: Any
               ) -> tuple[dict[str, Any] | None, dict[tuple[Any, ...], str]]:
    """The data and each error's path and code, as a client gets them."""
    context = Context(settings=settings, viewer=Viewer(account, None), language="fr")
    with clock.frozen_at(NOW):
        result = await schema.execute(query, variable_values=variables, context_value=context)
    codes = {tuple(e.path or ()): (e.extensions or {}).get("code", "") for e in result.errors or []}
    return result.data, codes


async def _events(patient: Patient) -> list[tuple[str, str, str, str]]:
    rows = await AccessEvent.filter(patient_id=patient.id).order_by("sequence")
    return [(e.basis.value, e.sections, e.actions, e.request_kind) for e in rows]


async def _grant(patient: Patient, pro: Professional, *sections: Section) -> None:
    await Grant.create(patient=patient, professional=pro, sections=encode_sections(set(sections)),
                       created_at=NOW - timedelta(days=1), expires_at=NOW + timedelta(days=30))


async def test_the_record_and_its_name_answer_by_the_policy_and_a_read_name_is_logged(
        settings: Settings, db: None) -> None:
    patient = await make_patient(first_names="Lou Anne", birth_name="MOREL")
    stranger, nurse, doctor = (await make_professional("nurse"), await make_professional("nurse"),
                               await make_professional())
    await _grant(patient, nurse, Section.ALLERGIES)
    await _grant(patient, doctor, Section.IDENTITY)

    data, codes = await _ask(settings, await stranger.account, RECORD, id=str(patient.id))
    assert data == {"patient": None} and codes == {("patient",): "NOT_FOUND"}
    data, codes = await _ask(settings, await nurse.account, RECORD, id=str(patient.id))
    assert data == {"patient": {"id": str(patient.id), "displayName": None}}
    assert codes == {("patient", "displayName"): "CONSENT_REQUIRED"}
    assert await _events(patient) == []  # refused: nothing was read

    data, codes = await _ask(settings, await doctor.account, RECORD, id=str(patient.id))
    assert data == {"patient": {"id": str(patient.id), "displayName": "Lou MOREL"}}
    assert await _events(patient) == [("grant", "identity", "read", "graphql")]


async def test_a_lookup_refuses_a_blocked_professional_like_a_miss_and_logs_a_find(
        settings: Settings, db: None) -> None:
    patient = await make_patient(first_names="Lou", birth_name="MOREL")
    blocked, nurse = await make_professional("nurse"), await make_professional("nurse")
    await Block.create(patient=patient, professional=blocked, created_at=NOW - timedelta(days=1))
    ins = patient.ins_nir + patient.ins_key

    data, codes = await _ask(settings, await blocked.account, FIND, ins=ins,
                             birthDate=patient.birth_date.isoformat())
    missed, miss_codes = await _ask(settings, await blocked.account, FIND, ins=ins,
                                    birthDate=date(1999, 9, 9).isoformat())
    assert data == missed == {"findPatient": None}
    assert codes == miss_codes == {("findPatient",): "NOT_FOUND"}
    assert await _events(patient) == []

    data, codes = await _ask(settings, await nurse.account, FIND, ins=ins,
                             birthDate=patient.birth_date.isoformat())
    # Found, to deposit: the name stays out of reach, the find is in the history.
    assert data == {"findPatient": {"patient": None}} and codes == {}
    assert await _events(patient) == [("deposit", "identity", "read", "graphql")]


async def test_the_access_history_is_the_managers_and_reading_it_adds_nothing(
        settings: Settings, db: None) -> None:
    parent = await make_patient()
    parent_account = await parent.account
    child = await make_patient(account=False, birth_date=date(2015, 6, 1),
                               guardian=parent_account)
    doctor = await make_professional()
    await TreatingDoctor.create(patient=child, professional=doctor, designated_at=NOW)

    data, codes = await _ask(settings, await doctor.account, HISTORY, id=str(child.id))
    assert data is None and codes == {("accessHistory",): "CONSENT_REQUIRED"}
    stranger = await make_professional()
    data, codes = await _ask(settings, await stranger.account, HISTORY, id=str(child.id))
    assert data is None and codes == {("accessHistory",): "NOT_FOUND"}
    data, codes = await _ask(settings, parent_account, HISTORY, id=str(child.id))
    assert data == {"accessHistory": {"totalCount": 0}} and codes == {}
    assert await _events(child) == []


async def test_the_consent_pages_refuse_a_professional_without_logging_a_read(
        settings: Settings, db: None) -> None:
    parent = await make_patient()
    parent_account = await parent.account
    child = await make_patient(account=False, birth_date=date(2015, 6, 1),
                               guardian=parent_account)
    doctor = await make_professional()
    await _grant(child, doctor, Section.IDENTITY)

    # The doctor may read the identity section, not the consent: refused, and (unlike before)
    # not written in the history as an identity read.
    data, codes = await _ask(settings, await doctor.account, GRANTS, id=str(child.id))
    assert data == {"grants": None} and codes == {("grants",): "CONSENT_REQUIRED"}
    assert await _events(child) == []
    data, codes = await _ask(settings, parent_account, GRANTS, id=str(child.id))
    assert data == {"grants": {"totalCount": 1}} and codes == {}
    assert await _events(child) == [("representative", "identity", "read", "graphql")]


async def test_a_shared_record_answers_by_the_policy_and_logs_the_name_it_shows(
        settings: Settings, db: None) -> None:
    patient = await make_patient(first_names="Lou", birth_name="MOREL")
    stranger, doctor = await make_professional(), await make_professional()
    await _grant(patient, doctor, Section.IDENTITY, Section.ALLERGIES)

    data, codes = await _ask(settings, await stranger.account, SHARED, id=str(patient.id))
    assert data == {"sharedRecord": None} and codes == {("sharedRecord",): "NOT_FOUND"}
    data, codes = await _ask(settings, await doctor.account, SHARED, id=str(patient.id))
    assert data == {"sharedRecord": {"patient": {"displayName": "Lou MOREL"},
                                     "readableSections": ["IDENTITY", "ALLERGIES"]}}
    assert await _events(patient) == [("grant", "identity", "read", "graphql")]
