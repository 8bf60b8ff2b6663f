"""saveDirectives, confirmDirectives, clearDirectives: the policy decides, then we check."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api import clock
from api.audit.log import audited_change
from api.consent.access import authorized_patient
from api.consent.permissions import OUT_OF_REACH, authorize
from api.consent.policy import open_statements
from api.consent.sections import Action, Section
from api.graphql.common import Problem, UserError
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.models import Patient
from api.records.directives import services
from api.records.directives.links import link_problems, readable_document_id
from api.records.directives.messages import user_errors
from api.records.directives.models import Directives, OrganDonation
from api.records.directives.types import DirectivesType, OrganDonationType
from api.sync.idempotency import Claim, IdempotencyKeyArgument, claim_for, once


@strawberry.input
class TrustedPersonInput:
    name: str
    relation: str | None = None
    phone: str | None = strawberry.field(default=None, description="10 digits, or + and "
                                         "the international number; spaces and dots allowed.")
    email: str | None = None


@strawberry.input(description="Creates the directives or changes them: only the fields given "
                              "change; `trustedPerson: null` removes the trusted person.")
class SaveDirectivesInput:
    patient_id: strawberry.ID
    advance_directives: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 20,000 characters.")
    document_id: strawberry.ID | None = strawberry.UNSET
    trusted_person: TrustedPersonInput | None = strawberry.UNSET
    organ_donation: OrganDonationType | None = strawberry.UNSET
    organ_donation_limits: str | None = strawberry.field(
        default=strawberry.UNSET, description="Required with LIMITED; dropped otherwise.")


@strawberry.type
class DirectivesPayload:
    directives: DirectivesType | None
    user_errors: list[UserError]


@strawberry.type
class ClearDirectivesPayload:
    cleared: bool = strawberry.field(description="False when nothing was recorded.")
    user_errors: list[UserError]


async def _patient_for_write(info: Info, raw_id: str) -> Patient:
    return await authorized_patient(info, raw_id, Section.DIRECTIVES, Action.WRITE)


def _given(data: SaveDirectivesInput) -> dict[str, Any]:
    """The fields the client sent, in the services' terms."""
    given: dict[str, Any] = {}
    for field in dataclasses.fields(data):
        value = getattr(data, field.name)
        if field.name == "patient_id" or value is strawberry.UNSET:
            continue
        if field.name == "organ_donation" and value is not None:
            value = OrganDonation(value.value)
        if field.name == "trusted_person" and value is not None:
            value = services.TrustedPerson(name=value.name, relation=value.relation,
                                           phone=value.phone, email=value.email)
        given[field.name] = value
    return given


def _refused(result: Directives | list[Problem]) -> bool:
    return isinstance(result, list)


def _problems(info: Info, problems: list[Problem]) -> DirectivesPayload:
    return DirectivesPayload(directives=None,
                             user_errors=user_errors(problems, info.context.language))


async def _write(info: Info, patient: Patient,
                 change: Callable[[], Awaitable[Directives | list[Problem]]]
                 ) -> DirectivesPayload:
    """Check and write in one transaction with the access event; problems leave neither."""
    result = await audited_change(info.context, change, _refused)
    if isinstance(result, list):
        return _problems(info, result)
    shown = await readable_document_id(info, patient, result.document_id)
    return DirectivesPayload(directives=DirectivesType.from_model(result, shown),
                             user_errors=[])


@strawberry.type
class DirectivesMutation:
    @strawberry.mutation(description="Record or change the patient's directives.")
    async def save_directives(self, info: Info, input: SaveDirectivesInput,
                              idempotency_key: IdempotencyKeyArgument = None
                              ) -> DirectivesPayload | None:
        given = _given(input)
        claim = claim_for(info, idempotency_key, "saveDirectives",
                          {"patient_id": str(input.patient_id), **given})
        patient = await _patient_for_write(info, input.patient_id)
        author = info.context.require_viewer().account_id
        if input.document_id is not strawberry.UNSET:
            linked = await link_problems(info, patient, input.document_id)
            if linked:
                return _problems(info, linked)

        allowed = open_statements(patient.birth_date, clock.today())

        async def write(claim: Claim | None) -> DirectivesPayload:
            return await _write(info, patient, lambda: services.save(patient.id, given, author,
                                                                     claim, allowed))

        async def replay(directives_id: int) -> DirectivesPayload:
            await authorize(info, patient, Section.DIRECTIVES, Action.READ)
            current = await Directives.get_or_none(id=directives_id, patient_id=patient.id)
            if current is None:
                raise NotFound(OUT_OF_REACH)
            shown = await readable_document_id(info, patient, current.document_id)
            return DirectivesPayload(directives=DirectivesType.from_model(current, shown),
                                     user_errors=[])

        return await once(info.context, claim, write, replay)

    @strawberry.mutation(description="Note that the directives are still true, as of now.")
    async def confirm_directives(self, info: Info, patient_id: strawberry.ID
                                 ) -> DirectivesPayload | None:
        patient = await _patient_for_write(info, patient_id)
        author = info.context.require_viewer().account_id
        return await _write(info, patient, lambda: services.confirm(patient.id, author))

    @strawberry.mutation(description="Delete the patient's directives altogether.")
    async def clear_directives(self, info: Info, patient_id: strawberry.ID
                               ) -> ClearDirectivesPayload | None:
        patient = await _patient_for_write(info, patient_id)
        # Nothing recorded, nothing deleted: no event either.
        cleared = await audited_change(info.context, lambda: services.clear(patient.id),
                                       lambda cleared: not cleared)
        return ClearDirectivesPayload(cleared=cleared, user_errors=[])
