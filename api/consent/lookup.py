"""Finding a patient by exact INS and birth date (the directory is api.consent.directory).

The patient lookup never searches: both traits must match exactly, and any miss (unknown
INS, wrong birth date, or a patient who blocked the professional) is the same NOT_FOUND,
reached by the same statements. Misses are claimed per account in the database before the
lookup runs (``api.identity.throttle``), so the limit holds across processes and requests.
Break-glass (``api.sharing.emergency``) identifies the patient the same way. Practice
software depositing a document names the patient by INS and all the identity traits
(``find_patient_by_traits``): a mismatch on any trait is a miss, like an unknown INS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api import clock
from api.consent.facts import Decision, Rights, ViewerFacts
from api.consent.loaders import viewer_facts_loader
from api.consent.permissions import authorize, facts_for
from api.consent.policy import decide
from api.consent.rights import app_facts
from api.consent.sections import Action, Refusal, Section
from api.graphql.context import Info
from api.graphql.errors import CarnetError, ConsentRequired, NotFound
from api.identity import throttle
from api.identity.ins import InsError, parse_ins
from api.identity.invitations import IdentityTraits
from api.identity.models import Patient
from api.identity.normalise import search_text

# Misses allowed per professional account before lookups wait; the wait then doubles up to
# an hour, and an account that stopped missing for an hour starts again from zero.
MAX_FAILED_LOOKUPS = 20
LOOKUPS = throttle.Policy(free=MAX_FAILED_LOOKUPS, first_delay=timedelta(minutes=15),
                          max_delay=timedelta(hours=1), forget_after=timedelta(hours=1))
NO_SUCH_PATIENT = "No patient has this INS and birth date."
# The stand-in judged when nobody has the traits: no row has this id.
NOBODY = 0


class TooManyLookups(CarnetError):
    code = "TOO_MANY_LOOKUPS"


@dataclass(frozen=True)
class Lookup:
    """What a lookup found, judged by the same statements whether anyone was found or not.

    ``patient`` is the person with the traits, or an unsaved stand-in (id ``NOBODY``) whose
    rights were loaded all the same, so a miss costs what a refusal costs.
    """

    patient: Patient
    exists: bool
    viewer: ViewerFacts
    rights: Rights
    attempt: throttle.Claim


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


def lookup_key(secret_key: str, account_id: int) -> str:
    return throttle.throttle_key(secret_key, "patient-lookup", str(account_id))


async def look_up(info: Info, ins: str, birth_date: date) -> Lookup:
    """Claim one attempt, then find and judge the patient with exactly these traits.

    A malformed INS (its key says so, whether anyone has it or not) is BAD_INS and costs no
    attempt. Otherwise the attempt is claimed atomically before anything is read, so parallel
    lookups (requests or aliases) cannot all slip past the limit: once it is reached, the
    refusal is TOO_MANY_LOOKUPS with the seconds to wait. The caller gives the attempt back
    (``found``) when it succeeds; any refusal keeps it counted as a miss.
    """
    try:
        parsed = parse_ins(ins)
    except InsError as error:  # a typo the key reveals: not counted as a miss
        raise CarnetError(str(error), code="BAD_INS") from None
    account_id = info.context.require_viewer().account_id
    try:
        attempt = await throttle.claim(lookup_key(info.context.settings.secret_key, account_id),
                                       LOOKUPS)
    except throttle.Throttled as error:
        raise TooManyLookups(
            f"Too many lookups found nobody: try again in {error.retry_after} s "
            f"({MAX_FAILED_LOOKUPS} misses, then a wait of up to an hour).",
            retryAfterSeconds=error.retry_after) from None
    found = await Patient.get_or_none(ins_nir=parsed.nir, ins_key=parsed.key,
                                      birth_date=birth_date)
    patient = found if found is not None else Patient(id=NOBODY, birth_date=birth_date)
    viewer, rights = await facts_for(info.context, patient)
    return Lookup(patient, found is not None, viewer, rights, attempt)


async def found(lookup: Lookup) -> None:
    """The lookup succeeded: its attempt was not a miss."""
    await throttle.release(lookup.attempt)


def _may_deposit(viewer: ViewerFacts, rights: Rights) -> Decision:
    """Finding a record by lookup is allowed to whoever may deposit in it."""
    return decide(viewer, rights, Section.DOCUMENTS, Action.DEPOSIT)


async def _authorize_found(info: Info, lookup: Lookup) -> None:
    """Through ``authorize``: a professional the patient blocked gets the NOT_FOUND of a
    miss (the attempt stays counted); a success gives its attempt back and is in the
    history as an identity read on the deposit basis: "found the record"."""
    await authorize(info, lookup.patient, Section.IDENTITY, Action.READ, question=_may_deposit,
                    out_of_reach=NO_SUCH_PATIENT)
    await found(lookup)


async def find_patient(info: Info, ins: str, birth_date: date) -> Patient:
    """The patient with exactly this INS and birth date, or NOT_FOUND.

    Nobody with these traits and a patient who blocked the viewer are the same NOT_FOUND,
    reached by the same statements. A successful lookup is written to the patient's access
    history (the viewer now knows the person is in Carnet), like any other access: noted in
    the request and written once with the request's other accesses. What the caller then
    reads of the record (the name included) is decided field by field.
    """
    await _may_look_up(info)
    lookup = await look_up(info, ins, birth_date)
    if not lookup.exists:
        raise NotFound(NO_SUCH_PATIENT)
    await _authorize_found(info, lookup)
    return lookup.patient


def traits_match(patient: Patient, traits: IdentityTraits) -> bool:
    """Whether the record's identity traits are these, compared as the INS rules say.

    Names are compared without case, accents, hyphens or apostrophes ("Lefèvre-Dupont" is
    "LEFEVRE DUPONT"); every first name must be there, in order; the sex and the INSEE
    birthplace code exactly. Every trait is compared, whichever differs first.
    """
    # The stand-in judged for a miss has no traits: empty text, never equal to a given one.
    checks = (
        search_text(patient.birth_name or "") == search_text(traits.birth_name),
        search_text(patient.first_names or "") == search_text(traits.first_names),
        patient.birth_date == traits.birth_date,
        (patient.sex or "") == traits.sex.strip().upper(),
        (patient.birthplace_insee or "").upper() == traits.birthplace_insee.strip().upper(),
    )
    return all(checks)


async def find_patient_by_traits(info: Info, ins: str, traits: IdentityTraits
                                 ) -> Patient | None:
    """The patient with exactly this INS and these traits, to deposit for; else None.

    Nobody with this INS, a trait that differs, or a patient who blocked the viewer are the
    same None, counted as a missed lookup (the throttle of ``find_patient``). A match is
    written to the access history like a ``find_patient`` that succeeded.
    """
    await _may_look_up(info)
    lookup = await look_up(info, ins, traits.birth_date)
    if not (lookup.exists and traits_match(lookup.patient, traits)):
        return None
    try:
        await _authorize_found(info, lookup)
    except NotFound:
        return None
    return lookup.patient
