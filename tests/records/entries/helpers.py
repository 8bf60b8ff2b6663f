"""GraphQL documents and calls shared by the tests of the four record sections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from api.identity.models import Account, Patient
from tests.factories import graphql

PROVENANCE = "provenance { createdAt updatedAt createdBy { name role } updatedBy { name } }"


@dataclass(frozen=True)
class SectionApi:
    field: str  # the Patient field
    type_name: str  # GraphQL type, also the mutation suffix (addAllergy, ...)
    payload_field: str
    fields: str


SECTIONS = {
    "history": SectionApi(
        "history", "HistoryEntry", "historyEntry",
        f"id kind code coded text label onsetDate onsetPrecision resolutionDate status relative "
        f"note confidentialForMinor {PROVENANCE}"),
    "allergies": SectionApi(
        "allergies", "Allergy", "allergy",
        f"id substance reaction severity criticality onsetDate note confidentialForMinor "
        f"{PROVENANCE}"),
    "treatments": SectionApi(
        "treatments", "Treatment", "treatment",
        f"id medication dose route startDate endDate current prescriber note "
        f"confidentialForMinor {PROVENANCE}"),
    "vaccinations": SectionApi(
        "vaccinations", "Vaccination", "vaccination",
        f"id vaccineCode vaccine {{ code label system detail }} date datePrecision lotNumber "
        f"performer doseNumber note confidentialForMinor {PROVENANCE}"),
}


@dataclass
class Signed:
    """A signed-in client, and the record it looks after."""

    client: httpx.AsyncClient
    csrf: str
    account: Account
    patient: Patient

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await graphql(self.client, self.csrf, query, variables)


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def add(signed: Signed, section: str, values: dict[str, Any],
              patient: Patient | None = None) -> dict[str, Any]:
    api = SECTIONS[section]
    target = patient or signed.patient
    query = (
        f"mutation($input: Add{api.type_name}Input!) {{ add{api.type_name}(input: $input) "
        f"{{ {api.payload_field} {{ {api.fields} }} userErrors {{ field code message }} }} }}"
    )
    return await signed.run(query, {"input": {"patientId": str(target.id), **values}})


async def added(signed: Signed, section: str, values: dict[str, Any],
                patient: Patient | None = None) -> dict[str, Any]:
    """Add an entry that must be accepted; returns it."""
    body = await add(signed, section, values, patient)
    payload = body["data"][f"add{SECTIONS[section].type_name}"]
    assert payload["userErrors"] == [], payload
    entry: dict[str, Any] = payload[SECTIONS[section].payload_field]
    return entry


async def update(signed: Signed, section: str, entry_id: str,
                 values: dict[str, Any]) -> dict[str, Any]:
    api = SECTIONS[section]
    query = (
        f"mutation($input: Update{api.type_name}Input!) {{ update{api.type_name}(input: $input) "
        f"{{ {api.payload_field} {{ {api.fields} }} userErrors {{ field code message }} }} }}"
    )
    return await signed.run(query, {"input": {"id": entry_id, **values}})


async def remove(signed: Signed, section: str, entry_id: str) -> dict[str, Any]:
    api = SECTIONS[section]
    query = (
        f"mutation($id: ID!) {{ remove{api.type_name}(id: $id) "
        f"{{ removedId userErrors {{ code }} }} }}"
    )
    return await signed.run(query, {"id": entry_id})


def _page(api: SectionApi) -> str:
    return (
        f"{api.field}(first: $first, after: $after) {{ totalCount "
        f"pageInfo {{ hasNextPage endCursor }} items {{ {api.fields} }} }}"
    )


async def read_own(signed: Signed, section: str, *, first: int | None = None,
                   after: str | None = None) -> dict[str, Any]:
    """The raw answer for the viewer's own record section."""
    query = (
        "query($first: Int, $after: String) { me { patient { "
        f"{_page(SECTIONS[section])} }} }} }}"
    )
    return await signed.run(query, {"first": first, "after": after})


async def own_page(signed: Signed, section: str, *, first: int | None = None,
                   after: str | None = None) -> dict[str, Any]:
    body = await read_own(signed, section, first=first, after=after)
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["me"]["patient"][SECTIONS[section].field]
    return page


async def represented_page(signed: Signed, section: str) -> dict[str, Any]:
    """The section of the first record the viewer manages (their child's)."""
    query = (
        "query($first: Int, $after: String) { me { represented { "
        f"{_page(SECTIONS[section])} }} }} }}"
    )
    body = await signed.run(query, {"first": None, "after": None})
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["me"]["represented"][0][SECTIONS[section].field]
    return page
