"""Reading a FHIR R4B Bundle (docs/fhir.md) into the rows it becomes; pure, no database.

`read_bundle` refuses a malformed file with the location of its first error (a JSON syntax
error by line and column, a resource that fails `fhir.resources` validation by its path,
e.g. ``entry[3].resource.code.coding[0].system``). `plan_import` maps each resource of the
contract to the values of the row it becomes, checked by the section's own rules (the ones
a typed entry obeys), or to the reason it is left out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from api import clock
from api.consent.policy import open_statements
from api.consent.sections import Section
from api.dates import DatePrecision, PartialDate
from api.exchange.fhir import systems
from api.graphql.common import Problem
from api.interop.terminology import document_type, kind_for_loinc, vaccine, vaccines_with_atc
from api.records.directives.models import OrganDonation
from api.records.directives.services import TrustedPerson, merge
from api.records.entries import validation
from api.records.entries.models import Criticality, HistoryKind, HistoryStatus, Relative, Severity
from api.records.measurements.kinds import BLOOD_PRESSURE, KindSpec, spec
from api.records.measurements.services import Reading, check_reading
from api.texts import N_

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
BUNDLE_TYPES = ("transaction", "collection", "document")
Json = dict[str, Any]


# --- refusing a file -------------------------------------------------------------------

class BundleRefused(Exception):
    """The file cannot be read as a Bundle; nothing of it is imported.

    `location` says where the first error is (``line 4, column 7``, ``entry[3].resource.code``),
    `message_id` what is wrong (English id, words in the catalogues), `params` fill it in.
    """

    def __init__(self, location: str, message_id: str, **params: object) -> None:
        super().__init__(f"{location}: {message_id.format(**params)}")
        self.location = location
        self.message_id = message_id
        self.params = params


REFUSALS = {
    "too_large": N_("The file is larger than {limit} MB."),
    "not_json": N_("This is not a JSON file: {detail}."),
    "not_utf8": N_("The file is not text in UTF-8."),
    "not_bundle": N_("This is not a FHIR Bundle (resourceType is {found})."),
    "bundle_type": N_("A Bundle of type {found} cannot be imported: only transaction, "
                      "collection and document bundles can."),
    "no_resource_type": N_("This resource does not say its resourceType."),
    "invalid": N_("This does not follow FHIR R4B: {detail}."),
    "other_person": N_("This file is about another person (its INS is not the one of this "
                       "record): nothing was imported."),
}


def location_of(loc: Iterable[int | str], prefix: str = "") -> str:
    """pydantic's ``('entry', 3, 'resource', 'code')`` as ``entry[3].resource.code``."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "Bundle"


def _validation_refusal(error: ValidationError, prefix: str) -> BundleRefused:
    first = error.errors()[0]
    loc = [part for part in first["loc"] if not str(part).startswith("function-")]
    return BundleRefused(location_of(loc, prefix), REFUSALS["invalid"], detail=first["msg"])


def check_same_person(bundle: ReadBundle, ins: str) -> None:
    """BundleRefused when a Patient of the bundle carries an INS other than ``ins`` (the
    record's NIR and key): one person's file must not fill another person's record. A
    Patient without an INS (another service's export) is not refused."""
    for entry in bundle.entries:
        if entry.resource_type != "Patient":
            continue
        for index, identifier in enumerate(entry.resource.get("identifier") or ()):
            value = str(identifier.get("value") or "").replace(" ", "")
            if identifier.get("system") == systems.INS_NIR and value and value != ins:
                raise BundleRefused(f"{entry.location}.resource.identifier[{index}]",
                                    REFUSALS["other_person"])


# --- the file, read -----------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One entry of the bundle: where it is, its resource (as JSON, validated) and its type."""

    index: int
    resource: Json
    full_url: str | None

    @property
    def location(self) -> str:
        return f"entry[{self.index}]"

    @property
    def resource_type(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def label(self) -> str:
        """``Condition/condition-12``: how the report names it."""
        own = self.resource.get("id")
        return f"{self.resource_type}/{own}" if own else self.resource_type


@dataclass(frozen=True)
class ReadBundle:
    kind: str
    entries: tuple[Entry, ...]
    # Entries whose resourceType FHIR R4B does not know: (entry, the type written).
    unknown: tuple[Entry, ...] = ()


def read_bundle(data: bytes, progress: Callable[[int, int], None] | None = None) -> ReadBundle:
    """The bundle in `data`, each resource validated; BundleRefused at the first error."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRefused("file", REFUSALS["too_large"], limit=MAX_BUNDLE_BYTES // 2**20)
    try:
        textual = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleRefused(f"byte {error.start}", REFUSALS["not_utf8"]) from None
    try:
        document = json.loads(textual)
    except json.JSONDecodeError as error:
        raise BundleRefused(f"line {error.lineno}, column {error.colno}", REFUSALS["not_json"],
                            detail=error.msg) from None
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        found = document.get("resourceType") if isinstance(document, dict) else None
        raise BundleRefused("resourceType", REFUSALS["not_bundle"], found=str(found or "-"))
    raw_entries = document.get("entry") or []
    if not isinstance(raw_entries, list):
        raise BundleRefused("entry", REFUSALS["invalid"], detail="a list is expected")
    # The envelope first (type, entries' fullUrl and request), without the resources.
    shell = {**document, "entry": [
        {key: value for key, value in item.items() if key != "resource"}
        if isinstance(item, dict) else item for item in raw_entries]}
    # fhir.resources (and the YAML reader it brings) loads on the first import, not at the
    # server's start: about a tenth of a second nobody waits for before the first request.
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(shell)
    except ValidationError as error:
        raise _validation_refusal(error, "") from None
    kind = str(document.get("type"))
    if kind not in BUNDLE_TYPES:
        raise BundleRefused("type", REFUSALS["bundle_type"], found=kind)
    entries: list[Entry] = []
    unknown: list[Entry] = []
    total = len(raw_entries)
    for index, item in enumerate(raw_entries):
        resource = item.get("resource")
        if resource is None:
            continue  # a transaction's DELETE carries no resource: nothing to add
        where = f"entry[{index}].resource"
        if not isinstance(resource, dict):
            raise BundleRefused(where, REFUSALS["invalid"], detail="an object is expected")
        resource_type = resource.get("resourceType")
        if not isinstance(resource_type, str) or not resource_type:
            raise BundleRefused(where, REFUSALS["no_resource_type"])
        entry = Entry(index, resource, item.get("fullUrl"))
        try:
            model = get_fhir_model_class(resource_type)
        except (ValueError, KeyError):
            unknown.append(entry)
            continue
        try:
            model.model_validate(resource)
        except ValidationError as error:
            raise _validation_refusal(error, where) from None
        except (ValueError, KeyError, TypeError) as error:  # a contained resource of no type
            raise BundleRefused(where, REFUSALS["invalid"], detail=str(error)) from None
        entries.append(entry)
        if progress is not None:
            progress(index + 1, total)
    return ReadBundle(kind, tuple(entries), tuple(unknown))


# --- why something is left out ---------------------------------------------------------

@dataclass(frozen=True)
class Reason:
    """Why a resource was not imported: an English id with its values, and the section's
    problems when its own rules refused the values."""

    message_id: str
    params: dict[str, object] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    section: Section | None = None


REASONS = {
    "unknown_type": N_("Unknown resource type {type}."),
    "unmapped_type": N_("Carnet has no place for {type} resources."),
    "patient": N_("Not imported: the identity of the record is kept as it is."),
    "grant": N_("Not imported: access to the record is given by the patient in Carnet."),
    "audit": N_("Not imported: the access history is Carnet's own."),
    "provenance": N_("Not imported: who wrote an entry is noted by Carnet itself."),
    "composition": N_("Not imported: the table of contents of a summary."),
    "unreferenced": N_("Nothing in the file refers to it."),
    "other_consent": N_("Not imported: this consent is neither advance directives nor organ "
                        "donation."),
    "no_description": N_("It has neither a code nor a text."),
    "unknown_icd10": N_("Unknown ICD-10 code {code}."),
    "unknown_relative": N_("The relative {code} is not one Carnet knows."),
    "unknown_vaccine": N_("Unknown vaccine {code}."),
    "not_done": N_("Marked as not done."),
    "unknown_loinc": N_("Unknown measurement code {code}."),
    "no_value": N_("It has no value in a unit."),
    "unit": N_("The unit {unit} cannot be converted to {expected}."),
    "no_time": N_("It has no date."),
    "missing_reference": N_("It refers to {reference}, which is not in the file."),
    "no_content": N_("It holds no file."),
    "bad_content": N_("Its content is not valid base64."),
    "no_medication": N_("It names no medication."),
    "refused": N_("Carnet's rules refuse it."),
    "duplicate": N_("Already in the record."),
    "has_directives": N_("The record has advance directives already: they are kept."),
    "file_refused": N_("The file is refused: {detail}"),
}


# --- small readers of FHIR JSON --------------------------------------------------------

def _first(items: Any) -> Json:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def _codings(concept: Any) -> list[Json]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def _code_in(concept: Any, system: str) -> str | None:
    for coding in _codings(concept):
        if coding.get("system") == system and coding.get("code"):
            return str(coding["code"])
    return None


def _words(concept: Any) -> str | None:
    """The concept's text, else the display of its first coding that has one."""
    if not isinstance(concept, dict):
        return None
    if concept.get("text"):
        return str(concept["text"])
    for coding in _codings(concept):
        if coding.get("display"):
            return str(coding["display"])
    return None


def _notes(resource: Json) -> str | None:
    texts = [str(note["text"]) for note in resource.get("note") or []
             if isinstance(note, dict) and note.get("text")]
    return "\n\n".join(texts) or None


def partial_date(raw: Any) -> PartialDate | None:
    """``"2005"``, ``"2019-05"``, ``"2019-05-14"`` or a dateTime, at its precision."""
    if not isinstance(raw, str) or not raw:
        return None
    if len(raw) == 4:
        return PartialDate(date(int(raw), 1, 1), DatePrecision.YEAR)
    if len(raw) == 7:
        return PartialDate(date(int(raw[:4]), int(raw[5:7]), 1), DatePrecision.MONTH)
    moment = _moment(raw)
    return PartialDate(moment.astimezone(clock.HOME_ZONE).date()
                       if moment.tzinfo else moment.date()) if moment else None


def _moment(raw: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed


def _day(raw: Any) -> date | None:
    found = partial_date(raw)
    return found.first if found else None


def identifier_key(resource: Json) -> str | None:
    """What says the resource was imported already: its ``urn:carnet:*`` identifier, else its
    first identifier (``system|value``)."""
    identifiers = [i for i in resource.get("identifier") or [] if isinstance(i, dict)]
    if isinstance(resource.get("identifier"), dict):  # a single identifier (DocumentReference
        identifiers = [resource["identifier"]]        # has a list; some resources one)
    ours = [i for i in identifiers if str(i.get("system", "")).startswith("urn:carnet:")]
    for item in ours or identifiers:
        if item.get("value"):
            return f"{item.get('system', '')}|{item['value']}"[:200]
    return None


# --- what a resource becomes -------------------------------------------------------------

@dataclass
class Candidate:
    """A row to add: its section and model (``history``, ``allergy``, ``treatment``,
    ``vaccination``, ``measurement``, ``document``, ``directives``), its values, cleaned by the
    section's rules, and what identifies it for duplicates."""

    entry: Entry
    section: Section
    model: str
    values: dict[str, Any]
    import_key: str | None
    # A measurement's kind; a document's bytes and details.
    kind: KindSpec | None = None
    content: bytes = b""
    filename: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Skipped:
    location: str
    label: str
    reason: Reason
    # True for what Carnet reads but does not import by design (Patient, grants, ...).
    by_design: bool = False


@dataclass
class Plan:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skip(self, entry: Entry, key: str, *, by_design: bool = False,
             problems: Sequence[Problem] = (), section: Section | None = None,
             **params: object) -> None:
        reason = Reason(REASONS[key], dict(params), tuple(problems), section)
        self.skipped.append(Skipped(entry.location, entry.label, reason, by_design))


def _references(resources: Iterable[Any]) -> Iterable[str]:
    """Every ``reference`` and attachment ``url`` written anywhere in these resources."""
    for item in resources:
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("reference", "url") and isinstance(value, str):
                    yield value
                    yield "/".join(value.rstrip("/").split("/")[-2:])
                else:
                    yield from _references([value])
        elif isinstance(item, list):
            yield from _references(item)


class _Index:
    """Finds what a reference points to, by ``Type/id`` or by fullUrl."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.found: dict[str, Entry] = {}
        self.references = set(_references(entry.resource for entry in entries))
        for entry in entries:
            if entry.full_url:
                self.found[entry.full_url] = entry
            if entry.resource.get("id"):
                self.found[f"{entry.resource_type}/{entry.resource['id']}"] = entry

    def is_referenced(self, entry: Entry) -> bool:
        """Whether another resource of the file names this one (a document its Binary)."""
        names = {name for name, found in self.found.items() if found is entry}
        return bool(names & self.references)

    def get(self, reference: str) -> Entry | None:
        if reference in self.found:
            return self.found[reference]
        # An absolute URL ending in Type/id, as servers write them.
        tail = "/".join(reference.rstrip("/").split("/")[-2:])
        return self.found.get(tail)


def plan_import(bundle: ReadBundle, birth_date: date,
                progress: Callable[[int, int], None] | None = None) -> Plan:
    """What each resource becomes, or why it is left out."""
    plan = Plan()
    index = _Index(bundle.entries)
    for entry in bundle.unknown:
        plan.skip(entry, "unknown_type", type=entry.resource_type)
    total = len(bundle.entries)
    for done, entry in enumerate(bundle.entries, start=1):
        mapper = _MAPPERS.get(entry.resource_type)
        if mapper is None:
            plan.skip(entry, "unmapped_type", type=entry.resource_type)
        else:
            mapper(_Mapping(plan, entry, index, birth_date))
        if progress is not None:
            progress(done, total)
    return plan


@dataclass
class _Mapping:
    plan: Plan
    entry: Entry
    index: _Index
    birth_date: date

    @property
    def resource(self) -> Json:
        return self.entry.resource

    def skip(self, key: str, **params: object) -> None:
        reason = Reason(REASONS[key], dict(params))
        self.plan.skipped.append(Skipped(self.entry.location, self.entry.label, reason))

    def add(self, section: Section, model: str, values: dict[str, Any],
            problems: Sequence[Problem], **extra: Any) -> None:
        if problems:
            self.plan.skip(self.entry, "refused", problems=problems, section=section)
            return
        self.plan.candidates.append(Candidate(self.entry, section, model, values,
                                              identifier_key(self.resource), **extra))


def _not_imported(key: str) -> Callable[[_Mapping], None]:
    def mapper(mapping: _Mapping) -> None:
        mapping.plan.skip(mapping.entry, key, by_design=True)
    return mapper


_CLINICAL = {"active": HistoryStatus.ACTIVE, "recurrence": HistoryStatus.ACTIVE,
             "relapse": HistoryStatus.ACTIVE, "inactive": HistoryStatus.RESOLVED,
             "remission": HistoryStatus.RESOLVED, "resolved": HistoryStatus.RESOLVED}


def _coded_history(mapping: _Mapping, concept: Any, kind: HistoryKind,
                   extra: dict[str, Any]) -> None:
    code = _code_in(concept, systems.ICD10)
    text = concept.get("text") if isinstance(concept, dict) else None
    if code is None and not text:
        text = _words(concept)
    if code is None and not text:
        mapping.skip("no_description")
        return
    values = {"kind": kind, "code": code, "text": text, "note": _notes(mapping.resource),
              "status": None, "relative": None, "resolution_date": None, **extra}
    values, problems = validation.clean_history(values, mapping.birth_date)
    if any(problem.code == "UNKNOWN_ICD10_CODE" for problem in problems):
        mapping.skip("unknown_icd10", code=code)
        return
    mapping.add(Section.HISTORY, "history", values, problems)


def _dated(raw: Any, name: str, precision: str) -> dict[str, Any]:
    when = partial_date(raw)
    return {name: when.first if when else None,
            precision: when.precision if when else None}


def _condition(mapping: _Mapping) -> None:
    resource = mapping.resource
    status = _CLINICAL.get(str(_code_in(resource.get("clinicalStatus"),
                                        systems.CONDITION_CLINICAL) or ""))
    extra = {**_dated(resource.get("onsetDateTime"), "onset_date", "onset_precision"),
             "resolution_date": _day(resource.get("abatementDateTime"))}
    # An end date makes it resolved whatever the status says (Carnet's rule for typed ones).
    if status is HistoryStatus.RESOLVED or (status and extra["resolution_date"] is None):
        extra["status"] = status
    _coded_history(mapping, resource.get("code"), HistoryKind.CONDITION, extra)


def _procedure(mapping: _Mapping) -> None:
    resource = mapping.resource
    when = resource.get("performedDateTime") or (resource.get("performedPeriod") or {}).get(
        "start")
    _coded_history(mapping, resource.get("code"), HistoryKind.SURGERY,
                   _dated(when, "onset_date", "onset_precision"))


_RELATIVES = {
    "MTH": Relative.MOTHER, "NMTH": Relative.MOTHER, "FTH": Relative.FATHER,
    "NFTH": Relative.FATHER, "SIB": Relative.SIBLING, "NSIB": Relative.SIBLING,
    "BRO": Relative.SIBLING, "SIS": Relative.SIBLING, "NBRO": Relative.SIBLING,
    "NSIS": Relative.SIBLING, "TWIN": Relative.SIBLING, "HSIB": Relative.SIBLING,
    "CHILD": Relative.CHILD, "NCHILD": Relative.CHILD, "SON": Relative.CHILD,
    "DAU": Relative.CHILD, "DAUC": Relative.CHILD, "SONC": Relative.CHILD,
    "GRPRN": Relative.GRANDPARENT, "GRMTH": Relative.GRANDPARENT,
    "GRFTH": Relative.GRANDPARENT, "MGRMTH": Relative.GRANDPARENT,
    "MGRFTH": Relative.GRANDPARENT, "PGRMTH": Relative.GRANDPARENT,
    "PGRFTH": Relative.GRANDPARENT, "EXT": Relative.AUNT_OR_UNCLE,
    "AUNT": Relative.AUNT_OR_UNCLE, "UNCLE": Relative.AUNT_OR_UNCLE,
    "MAUNT": Relative.AUNT_OR_UNCLE, "PAUNT": Relative.AUNT_OR_UNCLE,
    "MUNCLE": Relative.AUNT_OR_UNCLE, "PUNCLE": Relative.AUNT_OR_UNCLE,
    "COUSN": Relative.COUSIN, "MCOUSN": Relative.COUSIN, "PCOUSN": Relative.COUSIN,
    "FAMMEMB": Relative.OTHER,
}


def _family(mapping: _Mapping) -> None:
    resource = mapping.resource
    code = _code_in(resource.get("relationship"), systems.ROLE_CODE)
    relative = _RELATIVES.get(code or "")
    if relative is None:
        mapping.skip("unknown_relative", code=code or _words(resource.get("relationship")) or "-")
        return
    condition = _first(resource.get("condition"))
    extra = {"relative": relative, **_dated(None, "onset_date", "onset_precision")}
    _coded_history(mapping, condition.get("code"), HistoryKind.FAMILY, extra)


def _enum(kind: type[Any], raw: Any) -> Any:
    try:
        return kind(raw) if raw is not None else None
    except ValueError:
        return None


def _allergy(mapping: _Mapping) -> None:
    resource = mapping.resource
    reaction = _first(resource.get("reaction"))
    values = {
        "substance": _words(resource.get("code")) or "",
        "reaction": _words(_first(reaction.get("manifestation"))),
        "severity": _enum(Severity, reaction.get("severity")),
        "criticality": _enum(Criticality, resource.get("criticality")),
        "onset_date": _day(resource.get("onsetDateTime")),
        "note": _notes(resource),
    }
    if not values["substance"]:
        mapping.skip("no_description")
        return
    mapping.add(Section.ALLERGIES, "allergy", *validation.clean_allergy(values,
                                                                          mapping.birth_date))


def _treatment(mapping: _Mapping) -> None:
    resource = mapping.resource
    medication = _words(resource.get("medicationCodeableConcept"))
    reference = (resource.get("medicationReference") or {}).get("reference")
    if medication is None and reference:
        found = mapping.index.get(str(reference))
        if found is None:
            mapping.skip("missing_reference", reference=reference)
            return
        medication = _words(found.resource.get("code"))
    if not medication:
        mapping.skip("no_medication")
        return
    dosage = _first(resource.get("dosage"))
    period = resource.get("effectivePeriod") or {}
    values = {
        "medication": medication,
        "dose": dosage.get("text"),
        "route": _words(dosage.get("route")),
        "start_date": _day(period.get("start") or resource.get("effectiveDateTime")),
        "end_date": _day(period.get("end")),
        "prescriber": (resource.get("informationSource") or {}).get("display"),
        "note": _notes(resource),
    }
    mapping.add(Section.TREATMENTS, "treatment", *validation.clean_treatment(
        values, mapping.birth_date))


def _vaccine_code(concept: Any) -> str | None:
    code = _code_in(concept, systems.CARNET_VACCINE)
    if code is not None and vaccine(code) is not None:
        return code
    atc = _code_in(concept, systems.ATC)
    same_atc = vaccines_with_atc(atc) if atc else ()
    return same_atc[0].code if same_atc else None


def _immunization(mapping: _Mapping) -> None:
    resource = mapping.resource
    if resource.get("status") in ("not-done", "entered-in-error"):
        mapping.skip("not_done")
        return
    concept = resource.get("vaccineCode")
    code = _vaccine_code(concept)
    if code is None:
        written = (_code_in(concept, systems.CARNET_VACCINE) or _code_in(concept, systems.ATC)
                   or _words(concept) or "-")
        mapping.skip("unknown_vaccine", code=written)
        return
    when = resource.get("occurrenceDateTime")
    if not when:
        mapping.skip("no_time")
        return
    performer = (_first(resource.get("performer")).get("actor") or {}).get("display")
    values = {"vaccine_code": code, **_dated(when, "date", "date_precision"),
              "lot_number": resource.get("lotNumber"), "performer": performer,
              "dose_number": _first(resource.get("protocolApplied")).get(
                  "doseNumberPositiveInt"),
              "note": _notes(resource)}
    mapping.add(Section.VACCINATIONS, "vaccination", *validation.clean_vaccination(
        values, mapping.birth_date))


# Units other software writes, converted to the kind's UCUM unit: (from, to) -> factor.
_CONVERSIONS: dict[tuple[str, str], Decimal] = {
    ("g", "kg"): Decimal("0.001"), ("[lb_av]", "kg"): Decimal("0.45359237"),
    ("m", "cm"): Decimal(100), ("mm", "cm"): Decimal("0.1"), ("[in_i]", "cm"): Decimal("2.54"),
    ("mg/dL", "g/L"): Decimal("0.01"), ("g/dL", "g/L"): Decimal(10),
    ("mmol/L", "g/L"): Decimal("0.18016"),
    ("{beats}/min", "/min"): Decimal(1), ("{breaths}/min", "/min"): Decimal(1),
    ("mmHg", "mm[Hg]"): Decimal(1), ("kg/m^2", "kg/m2"): Decimal(1),
    ("/d", "{steps}/d"): Decimal(1), ("{steps}", "{steps}/d"): Decimal(1),
    ("1", "{score}"): Decimal(1), ("{score}", "{score}"): Decimal(1),
}


def in_unit(quantity: Any, expected: str) -> Decimal | None:
    """The quantity's value in `expected` (UCUM), or None when its unit cannot be converted."""
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        return None
    try:
        value = Decimal(str(quantity["value"]))
    except InvalidOperation:
        return None
    unit = str(quantity.get("code") or quantity.get("unit") or "")
    if unit == expected:
        return value
    if unit == "[degF]" and expected == "Cel":
        return (value - 32) * 5 / 9
    factor = _CONVERSIONS.get((unit, expected))
    return None if factor is None else value * factor


def _unit_of(quantity: Any) -> str:
    return str((quantity or {}).get("code") or (quantity or {}).get("unit") or "-")


def _observation(mapping: _Mapping) -> None:
    resource = mapping.resource
    code = _code_in(resource.get("code"), systems.LOINC)
    kind = spec(BLOOD_PRESSURE) if code == "85354-9" else None
    if kind is None and code is not None:
        term = kind_for_loinc(code)
        kind = spec(term.key) if term is not None else None
    if kind is None:
        mapping.skip("unknown_loinc", code=code or _words(resource.get("code")) or "-")
        return
    values: list[Decimal] = []
    quantities = [resource.get("valueQuantity")]
    if kind.paired:
        parts = {_code_in(part.get("code"), systems.LOINC): part.get("valueQuantity")
                 for part in resource.get("component") or [] if isinstance(part, dict)}
        quantities = [parts.get(component.loinc) for component in kind.components]
    for quantity in quantities:
        if not isinstance(quantity, dict) or quantity.get("value") is None:
            mapping.skip("no_value")
            return
        value = in_unit(quantity, kind.ucum)
        if value is None:
            mapping.skip("unit", unit=_unit_of(quantity), expected=kind.ucum)
            return
        values.append(value)
    measured_at = _measured_at(resource.get("effectiveDateTime")
                               or (resource.get("effectivePeriod") or {}).get("start")
                               or resource.get("effectiveInstant"))
    if measured_at is None:
        mapping.skip("no_time")
        return
    rounded = [round(value, kind.decimals) for value in values]
    reading = Reading(value=float(rounded[0]),
                      value2=float(rounded[1]) if len(rounded) > 1 else None,
                      measured_at=measured_at, note=_notes(resource))
    problems = check_reading(kind, reading, mapping.birth_date)
    mapping.add(Section.MEASUREMENTS, "measurement", {"reading": reading}, problems, kind=kind)


def _measured_at(raw: Any) -> datetime | None:
    """A dateTime; a day alone is taken at noon, French time; no date at all: None."""
    if not isinstance(raw, str) or len(raw) < 10:
        return None
    if len(raw) == 10:
        day = date.fromisoformat(raw)
        return datetime.combine(day, time(12), tzinfo=clock.HOME_ZONE).astimezone(UTC)
    moment = _moment(raw)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.HOME_ZONE)
    return moment


def _decoded(raw: Any) -> bytes | None:
    try:
        return base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError):
        return None


def _document(mapping: _Mapping) -> None:
    resource = mapping.resource
    attachment = _first(resource.get("content")).get("attachment") or {}
    content: bytes | None = None
    if attachment.get("data"):
        content = _decoded(attachment["data"])
    elif attachment.get("url"):
        found = mapping.index.get(str(attachment["url"]))
        if found is None or found.resource_type != "Binary":
            mapping.skip("missing_reference", reference=attachment["url"])
            return
        if not found.resource.get("data"):
            mapping.skip("no_content")
            return
        content = _decoded(found.resource["data"])
    else:
        mapping.skip("no_content")
        return
    if content is None:
        mapping.skip("bad_content")
        return
    type_code = _code_in(resource.get("type"), systems.LOINC)
    # The document's own date: its clinical period, else the file's creation, else the day
    # the reference was written (what other software may give alone).
    period = (resource.get("context") or {}).get("period") or {}
    when = (_day(period.get("start")) or _day(attachment.get("creation"))
            or _day(resource.get("date")))
    values = {"title": resource.get("description") or attachment.get("title"),
              "type_code": type_code if type_code and document_type(type_code) else None,
              "document_date": when}
    mapping.add(Section.DOCUMENTS, "document", values, (), content=content,
                filename=str(attachment.get("title") or ""))


_SCOPE_ADR = "adr"


def _consent(mapping: _Mapping) -> None:
    resource = mapping.resource
    scope = _code_in(resource.get("scope"), systems.CONSENT_SCOPE)
    key = identifier_key(resource) or ""
    if scope == "patient-privacy" or key.startswith("urn:carnet:grant|"):
        mapping.plan.skip(mapping.entry, "grant", by_design=True)
        return
    if scope != _SCOPE_ADR:
        mapping.plan.skip(mapping.entry, "other_consent", by_design=True)
        return
    provision = resource.get("provision") or {}
    given: dict[str, Any] = {}
    source = resource.get("sourceAttachment") or {}
    if key.startswith("urn:carnet:organ-donation|") or (provision.get("type") and not source):
        codes = provision.get("code") or []
        limits = _words(codes[0]) if codes else None
        if provision.get("type") == "deny":
            given["organ_donation"] = OrganDonation.REFUSES
        else:
            given["organ_donation"] = OrganDonation.LIMITED if limits else OrganDonation.CONSENTS
            given["organ_donation_limits"] = limits
    else:
        if source.get("data"):
            raw = _decoded(source["data"])
            if raw is None:
                mapping.skip("bad_content")
                return
            given["advance_directives"] = raw.decode("utf-8", errors="replace")
        person = _trusted_person(resource)
        if person is not None:
            given["trusted_person"] = person
        if not given:
            mapping.skip("no_content")
            return
    _, problems = merge(None, given, open_statements(mapping.birth_date, clock.today()))
    mapping.add(Section.DIRECTIVES, "directives", given, problems)


def _trusted_person(resource: Json) -> TrustedPerson | None:
    from_contained = {f"#{item.get('id')}": item for item in resource.get("contained") or []
                      if isinstance(item, dict) and item.get("resourceType") == "RelatedPerson"}
    for performer in resource.get("performer") or []:
        person = from_contained.get(str((performer or {}).get("reference")))
        if person is None:
            continue
        name = _first(person.get("name"))
        written = name.get("text") or " ".join(
            [*(name.get("given") or []), name.get("family") or ""]).strip()
        telecom = {item.get("system"): item.get("value") for item in person.get("telecom") or []
                   if isinstance(item, dict)}
        return TrustedPerson(written, _words(_first(person.get("relationship"))),
                             telecom.get("phone"), telecom.get("email"))
    return None


def _referenced(mapping: _Mapping) -> None:
    """A Binary or a Medication is read with what refers to it; alone, it says nothing."""
    if not mapping.index.is_referenced(mapping.entry):
        mapping.skip("unreferenced")


_MAPPERS: dict[str, Callable[[_Mapping], None]] = {
    "Condition": _condition,
    "Procedure": _procedure,
    "FamilyMemberHistory": _family,
    "AllergyIntolerance": _allergy,
    "MedicationStatement": _treatment,
    "Immunization": _immunization,
    "Observation": _observation,
    "DocumentReference": _document,
    "Consent": _consent,
    "Patient": _not_imported("patient"),
    "AuditEvent": _not_imported("audit"),
    "Provenance": _not_imported("provenance"),
    "Composition": _not_imported("composition"),
    "Binary": _referenced,
    "Medication": _referenced,
}
