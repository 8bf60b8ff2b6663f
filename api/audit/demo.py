"""Demo access history: what the demo professionals did in the demo records. Idempotent.

Nothing here builds an event by hand: each visit is a real GraphQL request, run through the
schema as the professional, at the moment it happened (the clock is set back for it), so
the consent policy decides and the access log writes the events, hash-chained as ever.

The stories: the emergency physician Karim HADDAD broke the glass on Paule ORSINI's record
12 days ago and read it; the nurse Marc PETIT read Camille MARTIN's allergies and treatments
under her grant; her treating doctor Sophie BERNARD read her record; the pharmacist Julie
ROBERT read her treatments while her (now ended) grant ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api import clock
from api.audit.models import AccessEvent
from api.consent.demo import BERNARD, CAMILLE, EMERGENCY_REASON, HADDAD, PAULE, PETIT, ROBERT
from api.consent.models import EmergencyAccess
from api.graphql.context import Context
from api.graphql.viewer import Viewer
from api.identity.models import Account, Patient, Professional
from api.settings import Settings

OPEN_EMERGENCY = """mutation Open($ins: String!, $birthDate: Date!, $reason: String!) {
  openEmergencyAccess(ins: $ins, birthDate: $birthDate, reason: $reason) {
    userErrors { code }
    patient { allergies { items { substance severity } }
              treatments { items { medication dose } } } } }"""
EMERGENCY_HISTORY = """query Record($patientId: ID!) { patient(id: $patientId) {
  history { items { label } } directives { advanceDirectives trustedPerson { name phone } } } }"""
EMERGENCY_MEASUREMENTS = """query Record($patientId: ID!) { patient(id: $patientId) {
  measurements(first: 10) { items { kind displayValue } } documents(first: 10) {
  items { title } } } }"""
NURSE_ROUND = """query Record($patientId: ID!) { patient(id: $patientId) {
  allergies { items { substance severity } } treatments { items { medication dose } } } }"""
NURSE_FOLLOW_UP = """query Record($patientId: ID!) { patient(id: $patientId) {
  treatments { items { medication dose } }
  measurements(kind: WEIGHT, first: 5) { items { displayValue measuredAt } } } }"""
CONSULTATION = """query Record($patientId: ID!) { patient(id: $patientId) {
  identity { birthName } history { items { label } } allergies { items { substance } }
  treatments { items { medication } } vaccinations { items { vaccineCode } } } }"""
RESULTS = """query Record($patientId: ID!) { patient(id: $patientId) {
  measurementSeries(kind: WEIGHT) { points { value } } documents(first: 10) {
  items { title } } } }"""
DISPENSING = """query Record($patientId: ID!) { patient(id: $patientId) {
  treatments { items { medication dose } } allergies { items { substance } } } }"""


@dataclass(frozen=True)
class Visit:
    patient: str  # INS NIR
    professional: str  # RPPS
    at: datetime
    operation: str
    variables: tuple[tuple[str, str], ...] = ()


def _day(now: datetime, days_ago: int, hour: int, minute: int) -> datetime:
    """A time of day (UTC), `days_ago` days before now."""
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=minute, second=0,
                                                      microsecond=0)


def visits(now: datetime) -> list[Visit]:
    """Every demo visit, oldest first (so each chain reads in time order)."""
    opened = _day(now, 12, 2, 40)
    found = [
        Visit(PAULE, HADDAD, opened, OPEN_EMERGENCY, (("reason", EMERGENCY_REASON),)),
        Visit(PAULE, HADDAD, opened + timedelta(minutes=7), EMERGENCY_HISTORY),
        Visit(PAULE, HADDAD, opened + timedelta(minutes=26), EMERGENCY_MEASUREMENTS),
        Visit(CAMILLE, ROBERT, _day(now, 75, 16, 20), DISPENSING),
        Visit(CAMILLE, PETIT, _day(now, 9, 8, 15), NURSE_ROUND),
        Visit(CAMILLE, BERNARD, _day(now, 5, 9, 30), CONSULTATION),
        Visit(CAMILLE, PETIT, _day(now, 2, 16, 40), NURSE_FOLLOW_UP),
        Visit(CAMILLE, BERNARD, _day(now, 1, 7, 50), RESULTS),
    ]
    return sorted(found, key=lambda visit: visit.at)


async def _already_told(patients: dict[str, Patient], pros: dict[str, Professional]
                        ) -> set[tuple[str, str]]:
    """The (patient, professional) stories already in the history: they are not told again."""
    told = set()
    for nir, patient in patients.items():
        for rpps, pro in pros.items():
            if await AccessEvent.exists(patient_id=patient.id,
                                        viewer_account_id=pro.account_id) or (
                await EmergencyAccess.exists(patient_id=patient.id, professional_id=pro.id)
            ):
                told.add((nir, rpps))
    return told


async def _run(settings: Settings, account: Account, visit: Visit, patient: Patient) -> None:
    from api.root.schema import schema  # the whole schema: imported when needed only

    context = Context(settings=settings, viewer=Viewer(account=account, session=None))
    # Break-glass names the patient by INS and birth date; the others by the record's id.
    named = ({"ins": patient.ins_nir + patient.ins_key,
              "birthDate": patient.birth_date.isoformat()}
             if visit.operation == OPEN_EMERGENCY else {"patientId": str(patient.id)})
    variables: dict[str, Any] = {**named, **dict(visit.variables)}
    with clock.frozen_at(visit.at):
        result = await schema.execute(visit.operation, variable_values=variables,
                                      context_value=context)
    if result.errors:
        raise RuntimeError(f"demo visit of {visit.professional} failed: {result.errors}")


async def load(settings: Settings | None = None) -> int:
    """Run the visits not in the history yet; how many were run. Twice changes nothing."""
    settings = settings or Settings.from_env()
    patients = {p.ins_nir: p for p in await Patient.filter(ins_nir__in=[CAMILLE, PAULE])}
    pros = {p.rpps: p for p in await Professional.filter(
        rpps__in=[BERNARD, PETIT, ROBERT, HADDAD]).select_related("account")}
    told = await _already_told(patients, pros)
    run = 0
    for visit in visits(clock.now()):
        patient, pro = patients.get(visit.patient), pros.get(visit.professional)
        if (patient is None or pro is None or pro.account is None
                or (visit.patient, visit.professional) in told):
            continue
        await _run(settings, pro.account, visit, patient)
        run += 1
    return run
