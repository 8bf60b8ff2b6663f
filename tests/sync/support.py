"""Operations and setup the sync tests share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Patient, Professional
from api.identity.viewer import SESSION_COOKIE
from api.security import csrf
from tests.consent.support import Session
from tests.records.documents.helpers import PDF_BYTES, multipart_operation

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


UPLOAD = """
mutation Upload($input: UploadDocumentInput!, $key: String) {
  uploadDocument(input: $input, idempotencyKey: $key) {
    document { id title sizeBytes }
    userErrors { field code }
  }
}
"""


async def upload(who: Session, patient_id: int, content: bytes = PDF_BYTES,
                 key: str | None = None, title: str = "Bilan") -> dict[str, Any]:
    """A GraphQL multipart upload by `who`; the whole answer."""
    variables = {"input": {"patientId": str(patient_id), "file": None, "title": title},
                 "key": key}
    who.client.cookies.set(SESSION_COOKIE, who.token)
    response = await who.client.post(
        "/graphql", data=multipart_operation(UPLOAD, variables, "variables.input.file"),
        files={"0": ("scan.pdf", content, "application/pdf")},
        headers={csrf.HEADER: who.csrf})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def uploaded_id(who: Session, patient_id: int, title: str = "Bilan") -> str:
    body = await upload(who, patient_id, title=title)
    document = body["data"]["uploadDocument"]["document"]
    assert document is not None, body
    return str(document["id"])
