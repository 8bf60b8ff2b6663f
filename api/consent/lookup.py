"""Finding people: a patient by exact INS and birth date, a professional in the directory.

The patient lookup never searches: both traits must match exactly, and any miss (unknown
INS, wrong birth date, or a patient who blocked the professional) is the same NOT_FOUND.
Misses are counted per account in the database, so a throttle holds across processes.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.expressions import Q

from api import clock
from api.consent.facts import Rights
from api.consent.loaders import viewer_facts_loader
from api.consent.models import FailedPatientLookup
from api.consent.policy import decide
from api.consent.sections import Action, Profession, Section
from api.graphql.common import decode_cursor, encode_cursor, is_number_text
from api.graphql.context import Info
from api.graphql.errors import CarnetError, NotFound
from api.graphql.permissions import facts_for
from api.identity.ins import InsError, parse_ins
from api.identity.models import Patient, Professional

LOOKUP_WINDOW = timedelta(hours=1)
MAX_FAILED_LOOKUPS = 20
MIN_SEARCH_LENGTH = 2


class TooManyLookups(CarnetError):
    code = "TOO_MANY_LOOKUPS"


async def _may_look_up(info: Info) -> None:
    """Only those who may deposit for a patient they have no relation to look patients up."""
    viewer = info.context.require_viewer()
    facts = await viewer_facts_loader(info.context.loaders, viewer).load(viewer.account_id)
    stranger = Rights(patient_id=0, now=clock.now())
    if not decide(facts, stranger, Section.DOCUMENTS, Action.DEPOSIT).allowed:
        raise CarnetError("Only health professionals can look a patient up.",
                          code="PROFESSIONALS_ONLY")


async def _count_failure(account_id: int) -> None:
    now = clock.now()
    await FailedPatientLookup.filter(account_id=account_id, at__lt=now - LOOKUP_WINDOW).delete()
    await FailedPatientLookup.create(account_id=account_id, at=now)


async def find_patient(info: Info, ins: str, birth_date: date) -> Patient:
    """The patient with exactly this INS (NIR + key) and birth date, or NOT_FOUND."""
    await _may_look_up(info)
    account_id = info.context.require_viewer().account_id
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
    patient = await Patient.get_or_none(ins_nir=parsed.nir, ins_key=parsed.key,
                                        birth_date=birth_date)
    if patient is not None:
        viewer, rights = await facts_for(info.context, patient)
        if decide(viewer, rights, Section.DOCUMENTS, Action.DEPOSIT).not_found:
            patient = None  # blocked: as if the patient did not exist
    if patient is None:
        await _count_failure(account_id)
        raise NotFound("No patient has this INS and birth date.")
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
