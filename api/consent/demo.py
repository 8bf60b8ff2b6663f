"""Demo consent: who shares with whom among the demo people of ``api.demo``. Idempotent.

Run after ``api.demo.load_demo``; people missing from the database are skipped. Then the
demo access history (``api.audit.demo``): the visits those relations allowed, the past
emergency access among them, made through the real API.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Block, Grant, TreatingDoctor, encode_sections
from api.consent.sections import Section
from api.identity.models import Patient, Professional
from api.settings import Settings

CAMILLE, JEAN, PAULE = "2951099126111", "1580169123012", "253072A073004"
BERNARD, PETIT, ROBERT, HADDAD, MOREAU = (
    "10003456781", "10004567892", "10005678903", "10006789014", "10007890125")
EMERGENCY_REASON = "Malaise à domicile, patiente confuse, appel du SAMU ; recherche des traitements"


async def _people() -> tuple[dict[str, Patient], dict[str, Professional]]:
    patients = {p.ins_nir: p for p in await Patient.filter(ins_nir__in=[CAMILLE, JEAN, PAULE])}
    pros = {p.rpps: p for p in await Professional.filter(
        rpps__in=[BERNARD, PETIT, ROBERT, HADDAD, MOREAU])}
    return patients, pros


async def _grant(patient: Patient, pro: Professional, sections: set[Section],
                 created_at: datetime, expires_at: datetime) -> None:
    if await Grant.exists(patient_id=patient.id, professional_id=pro.id):
        return
    await Grant.create(patient_id=patient.id, professional_id=pro.id,
                       sections=encode_sections(sections), write=False, created_at=created_at,
                       expires_at=expires_at, created_by_id=patient.account_id)


async def load(settings: Settings | None = None) -> None:
    """Create what is missing; running it twice changes nothing."""
    from api.audit import demo as history_demo  # it runs requests through the whole schema

    now = clock.now()
    patients, pros = await _people()
    camille, jean = patients.get(CAMILLE), patients.get(JEAN)
    async with in_transaction():
        if camille is not None and BERNARD in pros:
            await TreatingDoctor.get_or_create(
                defaults={"professional_id": pros[BERNARD].id,
                          "designated_at": now - timedelta(days=400)},
                patient_id=camille.id)
        if camille is not None and PETIT in pros:
            await _grant(camille, pros[PETIT],
                         {Section.IDENTITY, Section.ALLERGIES, Section.TREATMENTS,
                          Section.MEASUREMENTS},
                         now - timedelta(days=21), now + timedelta(days=182))
        if camille is not None and ROBERT in pros:
            ended = now - timedelta(days=30)
            await _grant(camille, pros[ROBERT], {Section.TREATMENTS, Section.ALLERGIES},
                         ended - timedelta(days=90), ended)
        if jean is not None and BERNARD in pros:  # a part of his record, read only
            await _grant(jean, pros[BERNARD],
                         {Section.IDENTITY, Section.ALLERGIES, Section.TREATMENTS},
                         now - timedelta(days=5), now + timedelta(days=85))
        if jean is not None and MOREAU in pros:
            await Block.get_or_create(defaults={"created_at": now}, patient_id=jean.id,
                                      professional_id=pros[MOREAU].id)
    # The past emergency access to Paule's record is opened there, as it happened.
    await history_demo.load(settings)
