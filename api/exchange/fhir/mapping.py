"""What each resource of a bundle becomes (docs/fhir.md), checked by the section's own rules
(the ones a typed entry obeys), or why it is left out: `plan_import`. Pure, no database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from api import clock
from api.consent.sections import Section
from api.exchange.fhir import systems
from api.exchange.fhir.filed import map_consent, map_document
from api.exchange.fhir.plan import (
    Plan,
    _code_in,
    _day,
    _first,
    _Index,
    _Mapping,
    _moment,
    _not_imported,
    _notes,
    _words,
    partial_date,
)
from api.exchange.fhir.reading import ReadBundle
from api.interop.terminology import kind_for_loinc, vaccine, vaccines_with_atc
from api.records.entries import validation
from api.records.entries.models import Criticality, HistoryKind, HistoryStatus, Relative, Severity
from api.records.measurements.kinds import BLOOD_PRESSURE, spec
from api.records.measurements.services import Reading, check_reading

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
    "DocumentReference": map_document,
    "Consent": map_consent,
    "Patient": _not_imported("patient"),
    "AuditEvent": _not_imported("audit"),
    "Provenance": _not_imported("provenance"),
    "Composition": _not_imported("composition"),
    "Binary": _referenced,
    "Medication": _referenced,
}


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
