"""Demo access history: what the demo professionals read and wrote in the demo records.

Each visit is written through the audit service (``record_event``), at the moment it
happened (the clock is set back for it), hash-chained and sealed as any access; the basis
is the relation the demo consent (``api.sharing.demo``) gave, and the moments are the
shared story's (``api.identity.demo``), so the entries a professional wrote and the visit
they wrote them at agree. Run after the demo consent, which opens Paule's emergency access
(its event comes first in her history). Idempotent.

The stories: the emergency physician Karim HADDAD read Paule ORSINI's record in the half
hour after breaking the glass; the pharmacist Julie ROBERT read Camille MARTIN's treatments
while her (now ended) grant ran; the nurse Marc PETIT read Camille's allergies, treatments
and measurements under her grant; her treating doctor Sophie BERNARD saw her, read her
record and completed it, then read her blood test; and completed Jean DUPONT's allergies
and treatments under the grant he gave her.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from api import clock
from api.audit.log import record_event
from api.audit.models import AccessEvent, RequestKind
from api.consent.sections import Action, Basis, Section
from api.identity.demo import (
    BERNARD,
    CAMILLE,
    CAMILLE_CONSULTATION,
    EMERGENCY_OPENED,
    HADDAD,
    JEAN,
    JEAN_REVIEW,
    PAULE,
    PETIT,
    ROBERT,
    moment,
)
from api.identity.models import Patient, Professional

S = Section
READ, READ_WRITE = (Action.READ,), (Action.READ, Action.WRITE)


@dataclass(frozen=True)
class Visit:
    patient: str  # INS NIR
    professional: str  # RPPS
    at: datetime
    basis: Basis
    sections: tuple[Section, ...]
    actions: tuple[Action, ...] = READ


def visits(now: datetime) -> list[Visit]:
    """Every demo visit, oldest first (so each chain reads in time order)."""
    opened = moment(now, EMERGENCY_OPENED)
    emergency, grant, doctor = Basis.EMERGENCY, Basis.GRANT, Basis.TREATING_DOCTOR
    found = [
        Visit(PAULE, HADDAD, opened, emergency, (S.ALLERGIES, S.TREATMENTS)),
        Visit(PAULE, HADDAD, opened + timedelta(minutes=7), emergency,
              (S.HISTORY, S.DIRECTIVES)),
        Visit(PAULE, HADDAD, opened + timedelta(minutes=26), emergency,
              (S.MEASUREMENTS, S.DOCUMENTS)),
        Visit(CAMILLE, ROBERT, moment(now, (75, 16, 20)), grant, (S.TREATMENTS, S.ALLERGIES)),
        Visit(CAMILLE, PETIT, moment(now, (9, 8, 15)), grant, (S.ALLERGIES, S.TREATMENTS)),
        Visit(CAMILLE, BERNARD, moment(now, CAMILLE_CONSULTATION), doctor,
              (S.IDENTITY, S.HISTORY, S.ALLERGIES, S.TREATMENTS, S.VACCINATIONS,
               S.MEASUREMENTS, S.DOCUMENTS), READ_WRITE),
        Visit(JEAN, BERNARD, moment(now, JEAN_REVIEW), grant,
              (S.IDENTITY, S.ALLERGIES, S.TREATMENTS), READ_WRITE),
        Visit(CAMILLE, PETIT, moment(now, (2, 16, 40)), grant, (S.TREATMENTS, S.MEASUREMENTS)),
        Visit(CAMILLE, BERNARD, moment(now, (1, 7, 50)), doctor, (S.MEASUREMENTS, S.DOCUMENTS)),
    ]
    return sorted(found, key=lambda visit: visit.at)


async def _already_told(patients: dict[str, Patient], pros: dict[str, Professional]
                        ) -> set[tuple[str, str]]:
    """The (patient, professional) stories already in the history: they are not told again."""
    told = set()
    for nir, patient in patients.items():
        for rpps, pro in pros.items():
            if await AccessEvent.exists(patient_id=patient.id, viewer_account_id=pro.account_id,
                                        request_kind=RequestKind.GRAPHQL.value):
                told.add((nir, rpps))
    return told


async def load() -> int:
    """Write the visits not in the history yet; how many were written. Twice changes nothing."""
    patients = {p.ins_nir: p for p in await Patient.filter(ins_nir__in=[CAMILLE, JEAN, PAULE])}
    pros = {p.rpps: p for p in await Professional.filter(
        rpps__in=[BERNARD, PETIT, ROBERT, HADDAD], account_id__isnull=False)}
    told = await _already_told(patients, pros)
    written = 0
    for visit in visits(clock.now()):
        patient, pro = patients.get(visit.patient), pros.get(visit.professional)
        if patient is None or pro is None or pro.account_id is None or (
                (visit.patient, visit.professional) in told):
            continue
        with clock.frozen_at(visit.at):
            await record_event(patient_id=patient.id, viewer_account_id=pro.account_id,
                               basis=visit.basis, sections=visit.sections,
                               actions=visit.actions, request_kind=RequestKind.GRAPHQL)
        written += 1
    return written
