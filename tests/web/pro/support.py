"""People, grants and page helpers for the workspace tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape

import httpx

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import Grant, TreatingDoctor, encode_sections
from api.consent.sections import Section
from api.identity.models import Account, Patient, Professional
from tests.factories import make_patient, make_professional, sign_in


@dataclass(frozen=True)
class Pro:
    client: httpx.AsyncClient
    csrf: str
    professional: Professional


async def signed_pro(client: httpx.AsyncClient, secret: str, profession: str = "physician",
                     last_name: str = "DOC") -> Pro:
    professional = await make_professional(profession, last_name=last_name)
    account = await Account.get(id=professional.account_id)
    return Pro(client, await sign_in(client, account, secret), professional)


async def patient(first_names: str = "Camille", birth_name: str = "MARTIN",
                  birth_date: date = date(1980, 1, 1)) -> Patient:
    return await make_patient(first_names=first_names, birth_name=birth_name,
                              birth_date=birth_date)


async def grant(patient: Patient, professional: Professional, *sections: Section,
                write: bool = False, days: int = 30, created_days_ago: int = 0) -> Grant:
    now = clock.now()
    return await Grant.create(
        patient_id=patient.id, professional_id=professional.id,
        sections=encode_sections(set(sections)), write=write,
        created_at=now - timedelta(days=created_days_ago),
        expires_at=now + timedelta(days=days))


async def treating(patient: Patient, professional: Professional) -> None:
    await TreatingDoctor.create(patient_id=patient.id, professional_id=professional.id,
                                designated_at=clock.now())


def text_of(response: httpx.Response) -> str:
    """What the page says: its text without tags, entities or repeated spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def ins_of(patient: Patient) -> str:
    return patient.ins_nir + patient.ins_key


async def access_events(patient: Patient) -> int:
    return await AccessEvent.filter(patient_id=patient.id).count()


def row_of(response: httpx.Response, name: str) -> str:
    """The text of the row of "My patients" that names this patient."""
    listing = response.text.split('class="pro-patients"', 1)[1].split("</ul>", 1)[0]
    for row in listing.split("<li>")[1:]:
        words = " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        if name in words:
            return words
    raise AssertionError(f"{name} is not listed")

