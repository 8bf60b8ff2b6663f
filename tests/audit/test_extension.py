"""Each GraphQL request writes one event per record it touched, never for the patient."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
import strawberry

from api.audit.extension import AccessLogExtension
from api.audit.log import audited_transaction, discard_writes
from api.audit.models import AccessEvent
from api.consent.permissions import authorize, section_field
from api.consent.sections import Action, Section
from api.graphql.context import Context, Info
from api.graphql.viewer import Viewer
from api.identity.models import Patient
from api.settings import Settings
from tests.audit.conftest import chain_of, make_treating_doctor
from tests.factories import graphql, make_patient, make_professional, sign_in

OWN_IDENTITY = "{ me { patient { identity { birthName } } } }"
CHILDREN_IDENTITY = "{ me { represented { id identity { birthName } } } }"


async def _family() -> tuple[Patient, Patient]:
    parent = await make_patient(first_names="Paul", birth_name="PARENT")
    assert parent.account is not None
    child = await make_patient(account=False, birth_date=date(2016, 4, 1),
                               guardian=await parent.account)
    return parent, child


async def test_reading_my_own_record_leaves_no_trace(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    patient = await make_patient()
    csrf = await sign_in(client, await patient.account, settings.secret_key)  # type: ignore[arg-type]
    body = await graphql(client, csrf, OWN_IDENTITY)
    assert body["data"]["me"]["patient"]["identity"]["birthName"] == "TESTON"  # type: ignore[index]
    assert await AccessEvent.all().count() == 0


async def test_a_parent_reading_a_child_record_is_recorded_once_per_request(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    parent, child = await _family()
    csrf = await sign_in(client, await parent.account, settings.secret_key)  # type: ignore[arg-type]
    body = await graphql(client, csrf, CHILDREN_IDENTITY)
    assert "errors" not in body
    (event,) = await chain_of(child.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions) == (
        "Paul PARENT", "representative", "identity", "read")
    assert event.request_kind == "graphql"
    assert event.viewer_account_id == parent.account_id

    await graphql(client, csrf, CHILDREN_IDENTITY)
    assert [e.sequence for e in await chain_of(child.id)] == [1, 2]
    assert await AccessEvent.filter(patient_id=parent.id).count() == 0


async def test_reading_two_children_records_writes_one_event_for_each(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    parent, first = await _family()
    second = await make_patient(account=False, birth_date=date(2019, 9, 9),
                                guardian=await parent.account)
    csrf = await sign_in(client, await parent.account, settings.secret_key)  # type: ignore[arg-type]
    body = await graphql(client, csrf, CHILDREN_IDENTITY)
    assert len(body["data"]["me"]["represented"]) == 2  # type: ignore[index]
    for child in (first, second):
        (event,) = await chain_of(child.id)
        assert (event.sequence, event.sections) == (1, "identity")


async def test_nothing_is_shown_when_the_history_cannot_be_written(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, _ = await _family()

    async def broken(context: Context) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("api.audit.extension.record_accesses", broken)
    csrf = await sign_in(client, await parent.account, settings.secret_key)  # type: ignore[arg-type]
    body = await graphql(client, csrf, CHILDREN_IDENTITY)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_LOG_UNAVAILABLE"  # type: ignore[index]


async def test_an_owner_request_costs_no_extra_statement(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    from tests.querycount import count_queries

    patient = await make_patient()
    csrf = await sign_in(client, await patient.account, settings.secret_key)  # type: ignore[arg-type]
    with count_queries() as log:
        await graphql(client, csrf, OWN_IDENTITY)
    assert not [s for s in log.statements if "access_event" in s]


# A small schema with several guarded sections and a mutation, standing in for the record
# sections and their mutations, which live in other packages.
@strawberry.type
class Chart:
    model: strawberry.Private[Patient]

    @section_field(Section.ALLERGIES, description="Allergies.")
    def allergies(self) -> str:
        return "peanuts"

    @section_field(Section.VACCINATIONS, description="Vaccinations.")
    def vaccinations(self) -> str:
        return "measles"


@strawberry.type
class ChartQuery:
    @strawberry.field
    async def chart(self, patient_id: int) -> Chart:
        return Chart(model=await Patient.get(id=patient_id))


@strawberry.type
class ChartMutation:
    @strawberry.mutation
    async def rename(self, info: Info, patient_id: int, name: str, outcome: str) -> str:
        patient = await Patient.get(id=patient_id)
        await authorize(info, patient, Section.IDENTITY, Action.WRITE)
        if outcome == "user_error":
            discard_writes(info.context)
            return "userErrors: name too long"
        async with audited_transaction(info.context) as connection:
            patient.used_name = name
            await patient.save(using_db=connection)
            if outcome == "crash":
                raise RuntimeError("the write failed half way")
        return name


chart_schema = strawberry.Schema(query=ChartQuery, mutation=ChartMutation,
                                 extensions=[AccessLogExtension])


async def _as(viewer_patient: Patient, settings: Settings, query: str) -> Any:
    account = await viewer_patient.account
    assert account is not None
    context = Context(settings=settings, viewer=Viewer(account=account, session=None))
    return await chart_schema.execute(query, context_value=context)


async def test_one_event_lists_every_section_the_request_read(db: None, settings: Settings
                                                              ) -> None:
    parent, child = await _family()
    result = await _as(parent, settings, f"{{ chart(patientId: {child.id}) "
                                         "{ allergies vaccinations again: allergies } }")
    assert result.errors is None
    (event,) = await chain_of(child.id)
    assert event.sections == "allergies,vaccinations"
    assert event.actions == "read"


async def test_a_mutation_records_its_write_with_the_write(db: None, settings: Settings) -> None:
    parent, child = await _family()
    result = await _as(parent, settings,
                       f'mutation {{ rename(patientId: {child.id}, name: "Jo", outcome: "ok") }}')
    assert result.errors is None
    (event,) = await chain_of(child.id)
    assert (event.sections, event.actions) == ("identity", "write")
    assert (await Patient.get(id=child.id)).used_name == "Jo"


@pytest.mark.parametrize("outcome", ["crash", "user_error"])
async def test_a_failing_mutation_leaves_no_event(db: None, settings: Settings, outcome: str
                                                  ) -> None:
    parent, child = await _family()
    await _as(parent, settings,
              f'mutation {{ rename(patientId: {child.id}, name: "Jo", outcome: "{outcome}") }}')
    assert await AccessEvent.all().count() == 0
    assert (await Patient.get(id=child.id)).used_name is None


async def test_a_professional_without_access_is_not_recorded(db: None, settings: Settings
                                                             ) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    context = Context(settings=settings,
                      viewer=Viewer(account=await nurse.account, session=None))
    result = await chart_schema.execute(f"{{ chart(patientId: {patient.id}) {{ allergies }} }}",
                                        context_value=context)
    assert result.errors is not None
    assert await AccessEvent.all().count() == 0


async def test_a_treating_doctor_read_is_recorded_with_the_profession(
    db: None, settings: Settings
) -> None:
    patient = await make_patient()
    doctor = await make_professional("physician", last_name="MEDECIN")
    await make_treating_doctor(patient, doctor)
    context = Context(settings=settings,
                      viewer=Viewer(account=await doctor.account, session=None))
    result = await chart_schema.execute(f"{{ chart(patientId: {patient.id}) {{ allergies }} }}",
                                        context_value=context)
    assert result.errors is None
    (event,) = await chain_of(patient.id)
    assert (event.viewer_name, event.viewer_profession, event.basis.value) == (
        "Test MEDECIN", "physician", "treating_doctor")
    assert event.viewer_professional_id == doctor.id
