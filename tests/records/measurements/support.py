"""Shared steps for the measurements tests: people, signed-in clients, GraphQL calls."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from api import clock
from api.identity.models import Patient
from api.records.measurements.models import Measurement
from tests.factories import graphql, make_patient, sign_in

ADD = """
mutation Add($input: AddMeasurementInput!) {
  addMeasurement(input: $input) {
    measurement { id kind loinc label value value2 unit displayUnit displayValue measuredAt note
                  provenance { createdBy { role } } }
    userErrors { field code message }
  }
}"""

UPDATE = """
mutation Update($input: UpdateMeasurementInput!) {
  updateMeasurement(input: $input) {
    measurement { id value value2 measuredAt note }
    userErrors { field code message }
  }
}"""

REMOVE = """
mutation Remove($id: ID!) {
  removeMeasurement(id: $id) { removedId userErrors { code } }
}"""

MINE = """
query Mine($kind: MeasurementKind, $first: Int, $after: String, $since: DateTime,
           $until: DateTime) {
  me { patient { measurements(kind: $kind, first: $first, after: $after, since: $since,
                              until: $until) {
    items { id kind value value2 measuredAt label provenance { createdBy { name role } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  } } }
}"""


class Person:
    """A signed-in client acting for one account, with that account's own record."""

    def __init__(self, client: httpx.AsyncClient, csrf: str, patient: Patient | None) -> None:
        self.client = client
        self.csrf = csrf
        self.patient = patient

    async def ask(self, query: str, **variables: Any) -> dict[str, Any]:
        return await graphql(self.client, self.csrf, query, variables)

    async def add(self, **fields: Any) -> dict[str, Any]:
        values = {"patientId": str(self.patient.id) if self.patient else None,
                  "measuredAt": iso(clock.now() - timedelta(hours=1)), **fields}
        body = await self.ask(ADD, input=values)
        return body["data"]["addMeasurement"]  # type: ignore[no-any-return]


async def signed_in_patient(client: httpx.AsyncClient, secret_key: str, **traits: Any) -> Person:
    patient = await make_patient(**traits)
    csrf = await sign_in(client, await patient.account, secret_key)  # type: ignore[misc]
    return Person(client, csrf, patient)


def iso(moment: datetime) -> str:
    return moment.isoformat()


async def store(patient: Patient, kind: str, values: list[tuple[datetime, float]],
                value2: float | None = None, unit: str = "kg") -> None:
    """Rows written directly, to set up long histories quickly."""
    await Measurement.bulk_create([
        Measurement(patient_id=patient.id, kind=kind, value=Decimal(str(value)),
                    value2=None if value2 is None else Decimal(str(value2)), unit=unit,
                    measured_at=moment, created_at=moment, updated_at=moment,
                    created_by_id=patient.account_id, updated_by_id=patient.account_id)
        for moment, value in values
    ])
