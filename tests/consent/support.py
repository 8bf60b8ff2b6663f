"""Signed-in GraphQL sessions and the operations the consent tests share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import httpx

from api import clock
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Account, Patient, Professional
from api.identity.viewer import SESSION_COOKIE
from api.settings import Settings
from tests.factories import graphql, make_patient, sign_in


class Session:
    """One person's signed-in session; several can share one client, turn by turn."""

    def __init__(self, client: httpx.AsyncClient, token: str, csrf: str) -> None:
        self.client, self.token, self.csrf = client, token, csrf

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        self.client.cookies.set(SESSION_COOKIE, self.token)
        return await graphql(self.client, self.csrf, query, variables)


async def session(client: httpx.AsyncClient, settings: Settings, who: Any) -> Session:
    account: Account = who if isinstance(who, Account) else await who.account
    csrf = await sign_in(client, account, settings.secret_key)
    token = client.cookies.get(SESSION_COOKIE)
    assert token is not None
    return Session(client, token, csrf)


async def patients_granting(professional: Professional, count: int,
                            sections: Iterable[Section]) -> list[Patient]:
    """`count` patients (without accounts) who let the professional read these sections."""
    patients = [await make_patient(account=False) for _ in range(count)]
    now = clock.now()
    await Grant.bulk_create([
        Grant(patient_id=p.id, professional_id=professional.id,
              sections=encode_sections(sections), write=False, created_at=now,
              expires_at=now + timedelta(days=30))
        for p in patients])
    return patients


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def error_at(body: dict[str, Any], *path: str | int) -> dict[str, Any] | None:
    for error in body.get("errors") or []:
        if tuple(error.get("path") or ()) == path:
            found: dict[str, Any] = error
            return found
    return None


def user_error_codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def traits(patient: Patient) -> dict[str, str]:
    """How a professional names a patient they have no relation to: INS and birth date."""
    return {"ins": patient.ins_nir + patient.ins_key, "birthDate": patient.birth_date.isoformat()}


def pid(model: Patient | Professional | Any) -> str:
    return str(model.id)


GRANT = """
mutation Grant($patientId: ID!, $professionalId: ID!, $sections: [Section!]!,
               $write: Boolean! = false, $expiresAt: DateTime) {
  grantAccess(patientId: $patientId, professionalId: $professionalId, sections: $sections,
              write: $write, expiresAt: $expiresAt) {
    grant { id status sections writableSections write expiresAt revokedAt
            professional { id lastName } }
    userErrors { field code message }
  }
}
"""

REVOKE = """
mutation Revoke($grantId: ID!) {
  revokeGrant(grantId: $grantId) {
    grant { id status revokedAt }
    userErrors { field code message }
  }
}
"""

RECORD = """
query Record($id: ID!) {
  patient(id: $id) {
    id
    identity { birthName }
    history { totalCount }
    allergies { totalCount }
    treatments { totalCount }
    directives { __typename }
  }
}
"""

DESIGNATE = """
mutation Designate($patientId: ID!, $professionalId: ID!) {
  designateTreatingDoctor(patientId: $patientId, professionalId: $professionalId) {
    treatingDoctor { designatedAt professional { id } }
    userErrors { field code message }
  }
}
"""

BLOCK = """
mutation Block($patientId: ID!, $professionalId: ID!) {
  blockProfessional(patientId: $patientId, professionalId: $professionalId) {
    blockedProfessional { blockedAt professional { id } }
    userErrors { field code message }
  }
}
"""

UNBLOCK = """
mutation Unblock($patientId: ID!, $professionalId: ID!) {
  unblockProfessional(patientId: $patientId, professionalId: $professionalId) {
    done
    userErrors { field code message }
  }
}
"""

OPEN_EMERGENCY = """
mutation Emergency($ins: String!, $birthDate: Date!, $reason: String!) {
  openEmergencyAccess(ins: $ins, birthDate: $birthDate, reason: $reason) {
    emergencyAccess { id reason openedAt expiresAt open }
    patient { id allergies { totalCount } }
    userErrors { field code message }
  }
}
"""

OPPOSE = """
mutation Oppose($patientId: ID!, $opposed: Boolean!) {
  setEmergencyAccessOpposition(patientId: $patientId, opposed: $opposed) {
    emergencyAccessOpposed
    userErrors { code }
  }
}
"""
