"""addMeasurement, updateMeasurement, removeMeasurement: the policy decides, then we check."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import authorized_patient
from api.consent.sections import Action, Section
from api.graphql.common import Problem, UserError
from api.graphql.context import Info
from api.records.measurements import services
from api.records.measurements.messages import user_errors
from api.records.measurements.models import Measurement
from api.records.measurements.types import MeasurementType
from api.sync.idempotency import Claim, IdempotencyKeyArgument, claim_for, once


@strawberry.input
class AddMeasurementInput:
    patient_id: strawberry.ID
    kind: str = strawberry.field(description="A MeasurementKind, e.g. WEIGHT or BLOOD_PRESSURE "
                                 "(a string, so an unknown kind comes back as a userError).")
    value: float = strawberry.field(description="The value in the kind's unit; the systolic "
                                                "pressure for a blood pressure.")
    measured_at: datetime = strawberry.field(description="When it was measured, with its time "
                                                         "zone; not in the future.")
    value2: float | None = strawberry.field(default=None, description="The diastolic pressure "
                                            "of a blood pressure; nothing for other kinds.")
    note: str | None = None


@strawberry.input(description="Only the fields given change; `value2` or `note` set to null "
                              "are cleared.")
class UpdateMeasurementInput:
    id: strawberry.ID
    value: float | None = strawberry.UNSET
    value2: float | None = strawberry.UNSET
    measured_at: datetime | None = strawberry.UNSET
    note: str | None = strawberry.UNSET


@strawberry.type
class MeasurementPayload:
    measurement: MeasurementType | None
    user_errors: list[UserError]


@strawberry.type
class RemoveMeasurementPayload:
    removed_id: strawberry.ID | None
    user_errors: list[UserError]


async def _entry_for_write(info: Info, raw_id: str) -> Measurement:
    """The measurement, once the policy allows writing it; NOT_FOUND otherwise."""
    return await services.measurement_to(info, raw_id, Action.WRITE)


def _given(value: object) -> bool:
    return value is not strawberry.UNSET


def _add_values(data: AddMeasurementInput) -> dict[str, object]:
    """What the client asked to add, for its idempotency key."""
    return {"patient_id": str(data.patient_id), "kind": data.kind, "value": data.value,
            "value2": data.value2, "measured_at": data.measured_at.isoformat(),
            "note": data.note}


def _refused(info: Info, problems: list[Problem]) -> MeasurementPayload:
    """Nothing was written: no event either, and the problems for the client."""
    discard_writes(info.context)
    return MeasurementPayload(measurement=None,
                              user_errors=user_errors(problems, info.context.language))


def _written(info: Info, entry: Measurement) -> MeasurementPayload:
    return MeasurementPayload(
        measurement=MeasurementType.from_model(entry, info.context.language), user_errors=[])


@strawberry.type
class MeasurementsMutation:
    @strawberry.mutation(description="Record a measurement in a patient's record.")
    async def add_measurement(self, info: Info, input: AddMeasurementInput,
                              idempotency_key: IdempotencyKeyArgument = None
                              ) -> MeasurementPayload | None:
        claim = claim_for(info, idempotency_key, "addMeasurement", _add_values(input))
        patient = await authorized_patient(info, input.patient_id, Section.MEASUREMENTS,
                                           Action.WRITE)
        kind = services.kind_from_input(input.kind)
        if kind is None:
            return _refused(info, [Problem("kind", "UNKNOWN_KIND")])
        reading = services.Reading(value=input.value, value2=input.value2,
                                   measured_at=input.measured_at, note=input.note)
        problems = services.check_reading(kind, reading, patient.birth_date)
        if problems:
            return _refused(info, problems)
        author = info.context.require_viewer().account_id

        async def write(claim: Claim | None) -> MeasurementPayload:
            async with audited_transaction(info.context) as connection:
                entry = await services.add_measurement(patient.id, kind, reading, author,
                                                       connection, claim)
            return _written(info, entry)

        async def replay(entry_id: int) -> MeasurementPayload:
            return _written(info, await services.measurement_to(info, str(entry_id),
                                                                Action.READ))

        return await once(info.context, claim, write, replay)

    @strawberry.mutation(description="Correct a measurement: its value(s), time or note.")
    async def update_measurement(self, info: Info, input: UpdateMeasurementInput
                                 ) -> MeasurementPayload | None:
        entry = await _entry_for_write(info, input.id)
        before = services.current_reading(entry)
        reading = services.Reading(
            value=input.value if input.value is not None and _given(input.value)
            else before.value,
            value2=input.value2 if _given(input.value2) else before.value2,
            measured_at=input.measured_at
            if input.measured_at is not None and _given(input.measured_at)
            else before.measured_at,
            note=input.note if _given(input.note) else before.note,
        )
        problems = services.check_reading(services.kind_of(entry), reading,
                                          entry.patient.birth_date)
        if problems:
            return _refused(info, problems)
        author = info.context.require_viewer().account_id
        async with audited_transaction(info.context) as connection:
            await services.update_measurement(entry, reading, author, connection)
        return _written(info, entry)

    @strawberry.mutation(description="Delete a measurement from the record.")
    async def remove_measurement(self, info: Info, id: strawberry.ID
                                 ) -> RemoveMeasurementPayload | None:
        entry = await _entry_for_write(info, id)
        async with audited_transaction(info.context) as connection:
            await services.remove_measurement(entry, connection)
        return RemoveMeasurementPayload(removed_id=strawberry.ID(str(entry.id)), user_errors=[])
