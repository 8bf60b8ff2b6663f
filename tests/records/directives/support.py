"""Shared steps for the directives tests."""

from __future__ import annotations

from typing import Any

from tests.records.measurements.support import Person, signed_in_patient

__all__ = ["CLEAR", "CONFIRM", "MINE", "SAVE", "Person", "save", "signed_in_patient"]

FIELDS = """advanceDirectives documentId organDonation organDonationLimits lastConfirmedAt
  trustedPerson { name relation phone email } lastConfirmedBy { role }
  provenance { createdBy { role } updatedBy { role } }"""

SAVE = f"""
mutation Save($input: SaveDirectivesInput!) {{
  saveDirectives(input: $input) {{ directives {{ {FIELDS} }} userErrors {{ field code message }} }}
}}"""

CONFIRM = f"""
mutation Confirm($patientId: ID!) {{
  confirmDirectives(patientId: $patientId) {{
    directives {{ {FIELDS} }} userErrors {{ field code message }} }}
}}"""

CLEAR = """
mutation Clear($patientId: ID!) {
  clearDirectives(patientId: $patientId) { cleared userErrors { code } }
}"""

MINE = f"{{ me {{ patient {{ directives {{ {FIELDS} }} }} }} }}"


async def save(person: Person, **fields: Any) -> dict[str, Any]:
    assert person.patient is not None
    body = await person.ask(SAVE, input={"patientId": str(person.patient.id), **fields})
    return body["data"]["saveDirectives"]  # type: ignore[no-any-return]
