"""Finding people: a patient by exact INS and birth date, a professional in the directory.

The patient lookup never searches: both traits must match exactly, and any miss (unknown
INS, wrong birth date, or a patient who blocked the professional) is the same NOT_FOUND.
Misses are counted per account in the database, so a throttle holds across processes.
Break-glass (``api.consent.emergency``) identifies the patient the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.expressions import Q

from api import clock
from api.consent.facts import Rights
from api.consent.loaders import viewer_facts_loader
from api.consent.models import FailedPatientLookup
from api.consent.policy import decide
from api.consent.rights import app_facts
from api.consent.sections import Action, Profession, Refusal, Section
from api.graphql.common import decode_cursor, encode_cursor, is_number_text
from api.graphql.context import Info
from api.graphql.errors import CarnetError, ConsentRequired, NotFound
from api.graphql.permissions import facts_for
from api.identity.ins import InsError, parse_ins
from api.identity.models import Patient, Professional

LOOKUP_WINDOW = timedelta(hours=1)
MAX_FAILED_LOOKUPS = 20
MIN_SEARCH_LENGTH = 2
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


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w]


async def search_professionals(
    search: str, profession: Profession | None, city: str | None, size: int, after: str | None
) -> tuple[list[Professional], int, int]:
    """Professionals whose names contain every word of ``search``; (rows, total, offset).

    Fetches ``size + 1`` rows from the cursor's offset so the caller knows if there is more.
    """
    words = _words(search)
    if len("".join(words)) < MIN_SEARCH_LENGTH:
        raise CarnetError(f"Type at least {MIN_SEARCH_LENGTH} characters to search.",
                          code="SEARCH_TOO_SHORT")
    query = Professional.all()
    for word in words[:5]:
        query = query.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    if profession is not None:
        query = query.filter(profession=profession.value)
    if city and city.strip():
        query = query.filter(practice_city__icontains=city.strip())
    cursor = decode_cursor(after, 1)
    offset = 0
    if cursor is not None:
        if not is_number_text(cursor[0]):
            raise CarnetError("This cursor is not valid.", code="BAD_CURSOR")
        offset = int(cursor[0])
    total = await query.count()
    rows = await query.order_by("last_name", "first_name", "id").offset(offset).limit(size + 1)
    return list(rows), total, offset


def offset_cursor(offset: int) -> str:
    return encode_cursor(offset)
