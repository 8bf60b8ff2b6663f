"""Demo consent: who shares with whom among the demo people (``api.identity.demo``).

Camille chose Dr BERNARD as treating doctor, granted the nurse Marc PETIT a few sections,
and the pharmacist Julie ROBERT some for three months, now over; Jean let Dr BERNARD read
and complete his allergies and treatments, and blocked the dentist Dr MOREAU; 12 days ago
Dr HADDAD opened emergency access to Paule's record, written to her access history and
notified as any opening is. Idempotent; people missing from the database are skipped. The
visits these relations allowed are the demo access history (``api.audit.demo``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Block, EmergencyAccess, Grant, TreatingDoctor, encode_sections
from api.consent.sections import Section
from api.identity.demo import (
    BERNARD,
    CAMILLE,
    EMERGENCY_OPENED,
    EMERGENCY_REASON,
    HADDAD,
    JEAN,
    MOREAU,
    PAULE,
    PETIT,
    ROBERT,
    moment,
)
from api.identity.models import Patient, Professional
from api.sharing.emergency import EMERGENCY_DURATION, record_emergency_event

__all__ = ["BERNARD", "CAMILLE", "EMERGENCY_REASON", "HADDAD", "JEAN", "MOREAU", "PAULE",
           "PETIT", "ROBERT", "load"]


async def _people() -> tuple[dict[str, Patient], dict[str, Professional]]:
    patients = {p.ins_nir: p for p in await Patient.filter(ins_nir__in=[CAMILLE, JEAN, PAULE])}
    pros = {p.rpps: p for p in await Professional.filter(
        rpps__in=[BERNARD, PETIT, ROBERT, HADDAD, MOREAU])}
    return patients, pros


async def _grant(patient: Patient, pro: Professional, sections: set[Section],
                 created_at: datetime, expires_at: datetime, *, write: bool = False) -> None:
    if await Grant.exists(patient_id=patient.id, professional_id=pro.id):
        return
    await Grant.create(patient_id=patient.id, professional_id=pro.id,
                       sections=encode_sections(sections), write=write, created_at=created_at,
                       expires_at=expires_at, created_by_id=patient.account_id)


async def _emergency(patient: Patient, pro: Professional, now: datetime) -> None:
    """The past break-glass, opened as the service opens one: event and notices included."""
    if await EmergencyAccess.exists(patient_id=patient.id, professional_id=pro.id):
        return
    opened = moment(now, EMERGENCY_OPENED)
    with clock.frozen_at(opened):
        async with in_transaction() as connection:
            access = await EmergencyAccess.create(
                patient_id=patient.id, professional_id=pro.id, reason=EMERGENCY_REASON,
                opened_at=opened, expires_at=opened + EMERGENCY_DURATION, using_db=connection)
            await record_emergency_event(access, patient, pro, connection)


async def load() -> None:
    """Create what is missing; running it twice changes nothing."""
    now = clock.now()
    patients, pros = await _people()
    camille, jean, paule = patients.get(CAMILLE), patients.get(JEAN), patients.get(PAULE)
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
        if jean is not None and BERNARD in pros:  # a part of his record, to complete
            await _grant(jean, pros[BERNARD],
                         {Section.IDENTITY, Section.ALLERGIES, Section.TREATMENTS},
                         now - timedelta(days=5), now + timedelta(days=85), write=True)
        if jean is not None and MOREAU in pros:
            await Block.get_or_create(defaults={"created_at": now}, patient_id=jean.id,
                                      professional_id=pros[MOREAU].id)
    if paule is not None and HADDAD in pros:
        await _emergency(paule, pros[HADDAD], now)
