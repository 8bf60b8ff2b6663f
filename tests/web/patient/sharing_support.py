"""People and events for the overview, sharing and access history page tests.

Each person keeps their own session token; one client serves them turn by turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import httpx

from api.audit.log import record_event
from api.audit.models import RequestKind
from api.consent.sections import Action, Basis, Section
from api.identity.models import Account, Patient, Professional
from api.identity.viewer import SESSION_COOKIE
from tests.factories import graphql, make_patient, sign_in

HTMX = {"HX-Request": "true"}


@dataclass
class Person:
    client: httpx.AsyncClient
    account: Account
    token: str
    csrf: str
    patient: Patient | None = None

    def _use(self) -> None:
        self.client.cookies.set(SESSION_COOKIE, self.token)

    async def get(self, url: str, **headers: str) -> httpx.Response:
        self._use()
        return await self.client.get(url, headers=headers)

    async def post(self, url: str, data: dict[str, Any] | None = None,
                   csrf: bool = True, htmx: bool = False) -> httpx.Response:
        self._use()
        form = {**({"csrf_token": self.csrf} if csrf else {}), **(data or {})}
        return await self.client.post(url, data=form, headers=HTMX if htmx else {})

    async def ask(self, query: str, **variables: Any) -> dict[str, Any]:
        self._use()
        return await graphql(self.client, self.csrf, query, variables)

    def url(self, rest: str = "", patient: Patient | None = None) -> str:
        whose = patient or self.patient
        assert whose is not None
        return f"/records/{whose.id}{rest}"


async def person(client: httpx.AsyncClient, secret_key: str, who: Patient | Professional | Account
                 ) -> Person:
    """A signed-in session for a patient (their account), a professional or an account."""
    account = who if isinstance(who, Account) else await who.account
    csrf = await sign_in(client, account, secret_key)
    token = client.cookies.get(SESSION_COOKIE)
    assert token is not None
    return Person(client, account, token, csrf, who if isinstance(who, Patient) else None)


async def signed_in_owner(client: httpx.AsyncClient, secret_key: str) -> Person:
    """Alice TESTON, signed in, with a record of her own."""
    return await person(client, secret_key, await make_patient(first_names="Alice"))


def grant_form(professional: Professional, *sections: str, **more: str) -> dict[str, Any]:
    """What the grant page posts: read only unless `access="write"`, a year unless `expires`."""
    return {"professional": str(professional.id), "sections": list(sections), "access": "read",
            **more}


def text_of(response: httpx.Response) -> str:
    """The page as a person reads it: no tags, entities decoded, spaces folded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


GRANT = """
mutation ($patientId: ID!, $professionalId: ID!, $sections: [Section!]!, $write: Boolean!) {
  grantAccess(patientId: $patientId, professionalId: $professionalId, sections: $sections,
              write: $write) { grant { id } userErrors { code } }
}
"""

GRANTS = """
query ($id: ID!) { grants(patientId: $id) { items { id status sections write
  professional { lastName } } } }
"""

READ_ALLERGIES = "query ($id: ID!) { patient(id: $id) { allergies { totalCount } } }"


async def granted(owner: Person, professional: Professional, sections: list[str],
                  write: bool = False) -> str:
    body = await owner.ask(GRANT, patientId=str(owner.patient.id),  # type: ignore[union-attr]
                           professionalId=str(professional.id), sections=sections, write=write)
    payload = body["data"]["grantAccess"]
    assert payload["userErrors"] == [], payload
    return str(payload["grant"]["id"])


async def grants_of(owner: Person) -> list[dict[str, Any]]:
    body = await owner.ask(GRANTS, id=str(owner.patient.id))  # type: ignore[union-attr]
    items: list[dict[str, Any]] = body["data"]["grants"]["items"]
    return items


async def access_event(patient: Patient, viewer: Account, basis: Basis,
                       sections: tuple[Section, ...] = (Section.ALLERGIES,),
                       actions: tuple[Action, ...] = (Action.READ,),
                       kind: RequestKind = RequestKind.GRAPHQL, detail: str = "") -> None:
    """An access as the history records it (what a professional's request leaves behind)."""
    await record_event(patient_id=patient.id, viewer_account_id=viewer.id, basis=basis,
                       sections=sections, actions=actions, request_kind=kind, detail=detail)
