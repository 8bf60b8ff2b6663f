"""Finding a patient by exact INS and birth date (the directory is api.consent.directory).

The patient lookup never searches: both traits must match exactly, and any miss (unknown
INS, wrong birth date, or a patient who blocked the professional) is the same NOT_FOUND.
Misses are counted per account in the database, so a throttle holds across processes.
Break-glass (``api.consent.emergency``) identifies the patient the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

from api import clock
from api.consent.facts import Rights
from api.consent.loaders import viewer_facts_loader
from api.consent.models import FailedPatientLookup
from api.consent.policy import decide
from api.consent.rights import app_facts
from api.consent.sections import Action, Refusal, Section
from api.graphql.context import Info
from api.graphql.errors import CarnetError, ConsentRequired, NotFound
from api.graphql.permissions import facts_for
from api.identity.ins import InsError, parse_ins
from api.identity.models import Patient

LOOKUP_WINDOW = timedelta(hours=1)
MAX_FAILED_LOOKUPS = 20
NO_SUCH_PATIENT = "No patient has this INS and birth date."


class TooManyLookups(CarnetError):
    code = "TOO_MANY_LOOKUPS"


async def _may_look_up(info: Info) -> None:
    """Only those who may deposit for a patient they have no relation to look patients up."""
    viewer = info.context.require_viewer()
    facts = await viewer_facts_loader(info.context.loaders, viewer).load(viewer.account_id)
    # Practice software acts as the professional within its scopes: without
    # documents.deposit it may not look anyone up (nor spend the professional's misses).
    app = app_facts(viewer.app) if viewer.app is not None else None
    stranger = Rights(patient_id=0, now=clock.now(), app=app)
    decision = decide(facts, stranger, Section.DOCUMENTS, Action.DEPOSIT)
    if decision.reason is Refusal.SCOPE_MISSING:
        raise ConsentRequired("This app's token does not have the documents.deposit scope.",
                              reason=Refusal.SCOPE_MISSING.value,
                              section=Section.DOCUMENTS.value, action=Action.DEPOSIT.value)
    if not decision.allowed:
        raise CarnetError("Only health professionals can look a patient up.",
                          code="PROFESSIONALS_ONLY")


async def count_miss(account_id: int) -> None:
    """One more lookup that found nobody (or was refused like one) for this account."""
    now = clock.now()
    await FailedPatientLookup.filter(account_id=account_id, at__lt=now - LOOKUP_WINDOW).delete()
    await FailedPatientLookup.create(account_id=account_id, at=now)


async def patient_by_ins(account_id: int, ins: str, birth_date: date) -> Patient | None:
    """The patient with exactly this INS (NIR + key) and birth date, or None.

    Refuses first when the account missed too often in the last hour; a malformed INS (its
    key says so, whether anyone has it or not) is BAD_INS and not counted. The caller counts
    the misses (``count_miss``), including refusals it answers like a miss.
    """
    since = clock.now() - LOOKUP_WINDOW
    if await FailedPatientLookup.filter(account_id=account_id, at__gte=since).count() >= (
        MAX_FAILED_LOOKUPS
    ):
        raise TooManyLookups(
            f"Too many lookups found nobody: wait up to an hour before trying again "
            f"({MAX_FAILED_LOOKUPS} per hour at most).", retryAfterSeconds=3600)
    try:
        parsed = parse_ins(ins)
    except InsError as error:  # a typo the key reveals: not counted as a miss
        raise CarnetError(str(error), code="BAD_INS") from None
    return await Patient.get_or_none(ins_nir=parsed.nir, ins_key=parsed.key,
                                     birth_date=birth_date)


async def find_patient(info: Info, ins: str, birth_date: date) -> Patient:
    """The patient with exactly this INS and birth date, or NOT_FOUND.

    A successful lookup is written to the patient's access history (the viewer now knows
    the person is in Carnet), like any other access: noted in the request and written
    once with the request's other accesses. What the caller then reads of the record
    (the name included) is decided field by field.
    """
    await _may_look_up(info)
    account_id = info.context.require_viewer().account_id
    patient = await patient_by_ins(account_id, ins, birth_date)
    if patient is not None:
        viewer, rights = await facts_for(info.context, patient)
        decision = decide(viewer, rights, Section.DOCUMENTS, Action.DEPOSIT)
        if decision.allowed:
            # In the history as an identity read on the deposit basis: "found the record".
            info.context.note_access(patient.id, Section.IDENTITY, Action.READ, decision)
        else:
            patient = None  # blocked: as if the patient did not exist
    if patient is None:
        await count_miss(account_id)
        raise NotFound(NO_SUCH_PATIENT)
    return patient
