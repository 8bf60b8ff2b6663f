"""What an import plans: the rows resources become (`Candidate`), what is left out and why
(`Skipped`, `Reason`), and the small readers of FHIR JSON the mappers share."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from api import clock
from api.consent.sections import Section
from api.dates import DatePrecision, PartialDate
from api.exchange.fhir.reading import Entry, Json
from api.graphql.common import Problem
from api.records.measurements.kinds import KindSpec
from api.texts import N_

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
