"""Operations and setup the sync tests share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Patient, Professional

CHANGES = """
query Changes($patientId: ID!, $after: String, $first: Int) {
  changes(patientId: $patientId, after: $after, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    items { section itemId kind changedAt }
  }
}
"""

ADD_ALLERGY = """
mutation Add($input: AddAllergyInput!, $key: String) {
  addAllergy(input: $input, idempotencyKey: $key) {
    allergy { id substance reaction provenance { createdAt } }
    userErrors { field code }
  }
}
"""

ADD_MEASUREMENT = """
mutation Add($input: AddMeasurementInput!, $key: String) {
  addMeasurement(input: $input, idempotencyKey: $key) {
    measurement { id value measuredAt }
    userErrors { field code }
  }
}
"""


async def grant(patient: Patient, professional: Professional, sections: list[Section],
                *, write: bool = False) -> Grant:
    now = clock.now()
    return await Grant.create(patient_id=patient.id, professional_id=professional.id,
                              sections=encode_sections(sections), write=write,
                              created_at=now - timedelta(minutes=1),
                              expires_at=now + timedelta(days=300))


def changes_of(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(section, itemId, kind) of each change of a `changes` answer."""
    assert "errors" not in body, body
    return [(c["section"], c["itemId"], c["kind"]) for c in body["data"]["changes"]["items"]]


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
