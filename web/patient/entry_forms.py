"""The four entry sections as forms: their fields, their words, form data to GraphQL input.

Form fields are named like the GraphQL input fields (camelCase), so a userError's `field`
points at the form field as it is; the two terminology fields (a history entry's condition,
a vaccination's vaccine) are typed as text and resolved to a code by web/patient/terminology.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from api.dates import DatePrecision, PartialDate, parse_day, parse_partial
from web.forms import text
from web.messages import N_

TEXT_LIMIT = 1000  # above every API limit, so the API's own TOO_LONG message is the one shown
NOTE_LIMIT = 6000

SEVERITIES = {"MILD": N_("mild"), "MODERATE": N_("moderate"), "SEVERE": N_("severe")}
CRITICALITIES = {
    "LOW": N_("low risk of a serious reaction"),
    "HIGH": N_("high risk of a serious reaction"),
    "UNABLE_TO_ASSESS": N_("risk not known"),
}
KINDS = {
    "CONDITION": N_("Illness or health problem"),
    "SURGERY": N_("Surgery"),
    "FAMILY": N_("Illness in the family"),
}
STATUSES = {"ACTIVE": N_("ongoing"), "RESOLVED": N_("over")}
RELATIVES = {
    "MOTHER": N_("mother"), "FATHER": N_("father"), "SIBLING": N_("brother or sister"),
    "CHILD": N_("child"), "GRANDPARENT": N_("grandparent"), "AUNT_OR_UNCLE": N_("aunt or uncle"),
    "COUSIN": N_("cousin"), "OTHER": N_("another relative"),
}

BAD_DATE = N_("Enter a date such as 14/07/2021.")
BAD_PARTIAL_DATE = N_("Enter a date such as 14/07/2021, a month such as 05/2019 or a year "
                      "such as 2005.")
BAD_CHOICE = N_("Choose one of the options offered.")
BAD_NUMBER = N_("Enter a whole number, such as 2.")
REQUIRED = N_("This field is required.")


@dataclass(frozen=True)
class Field:
    """A plain form field: `kind` is text, required_text, date, required_date, choice, number.

    A date with a `precision` (the GraphQL input field that carries it) may be a year or a
    month and year: « 2005 », « 05/2019 », « mai 2019 » (api.dates.parse_partial).
    """

    name: str
    kind: str = "text"
    choices: dict[str, str] | None = None
    required: bool = False
    precision: str | None = None


@dataclass(frozen=True)
class TermField:
    """A field typed as words or a code and resolved against a code system."""

    name: str  # the text input; `<name>Code` and `<name>For` travel with it
    system: str  # the GraphQL TerminologySystem
    url_system: str  # the same, as the suggestions endpoint spells it
    free_text: bool  # whether the person's own words are kept when no code fits


@dataclass(frozen=True)
class EntrySection:
    segment: str  # the path segment, also the navigation key
    type_name: str  # GraphQL type, and the suffix of its operations
    entry_field: str  # the payload field and the single-entry query
    list_field: str  # the Patient field
    title: str
    fields: tuple[Field, ...]
    # add, added, updated, removed, confirm, gone (its pronoun agrees in French), empty, edit
    words: dict[str, str]
    term: TermField | None = None
    error_fields: dict[str, str] = field(default_factory=dict)  # API field -> form field
    term_at: int = 0  # where the coded field sits among the plain fields

    def in_form_order(self, errors: dict[str, str]) -> dict[str, str]:
        """The problems in the order of the fields, for the summary above the form."""
        names = [item.name for item in self.fields]
        if self.term is not None:
            names.insert(self.term_at, self.term.name)
        return dict(sorted(errors.items(),
                           key=lambda pair: names.index(pair[0]) if pair[0] in names else 99))


ICD10 = TermField("condition", "ICD10", "icd10", free_text=True)
VACCINE = TermField("vaccine", "VACCINE", "vaccine", free_text=False)
NOTE = Field("note", "note")

SECTIONS: dict[str, EntrySection] = {
    section.segment: section for section in (
        EntrySection(
            "history", "HistoryEntry", "historyEntry", "history", N_("Medical history"),
            (Field("kind", "choice", KINDS, required=True), Field("relative", "choice", RELATIVES),
             Field("onsetDate", "date", precision="onsetPrecision"),
             Field("resolutionDate", "date"), Field("status", "choice", STATUSES), NOTE),
            {"add": N_("Add to the medical history"), "added": N_("Added to the history."),
             "updated": N_("History entry changed."), "removed": N_("History entry removed."),
             "confirm": N_("Remove this history entry?"),
             "gone": N_("This history entry disappears from the record for good."),
             "edit": N_("Change a history entry"),
             "empty": N_("Nothing is recorded in the medical history yet.")},
            term=ICD10, error_fields={"code": "condition", "text": "condition"}, term_at=1),
        EntrySection(
            "allergies", "Allergy", "allergy", "allergies", N_("Allergies"),
            (Field("substance", "required_text"), Field("reaction"),
             Field("severity", "choice", SEVERITIES), Field("criticality", "choice", CRITICALITIES),
             Field("onsetDate", "date"), NOTE),
            {"add": N_("Add an allergy"), "added": N_("Allergy added."),
             "updated": N_("Allergy changed."), "removed": N_("Allergy removed."),
             "confirm": N_("Remove this allergy?"),
             "gone": N_("This allergy disappears from the record for good."),
             "edit": N_("Change an allergy"),
             "empty": N_("No allergy is recorded.")}),
        EntrySection(
            "treatments", "Treatment", "treatment", "treatments", N_("Treatments"),
            (Field("medication", "required_text"), Field("dose"), Field("route"),
             Field("startDate", "date"), Field("endDate", "date"), Field("prescriber"), NOTE),
            {"add": N_("Add a treatment"), "added": N_("Treatment added."),
             "updated": N_("Treatment changed."), "removed": N_("Treatment removed."),
             "confirm": N_("Remove this treatment?"),
             "gone": N_("This treatment disappears from the record for good."),
             "edit": N_("Change a treatment"),
             "empty": N_("No treatment is recorded.")}),
        EntrySection(
            "vaccinations", "Vaccination", "vaccination", "vaccinations", N_("Vaccinations"),
            (Field("date", "required_date", precision="datePrecision"),
             Field("doseNumber", "number"),
             Field("lotNumber"), Field("performer"), NOTE),
            {"add": N_("Add a vaccination"), "added": N_("Vaccination added."),
             "updated": N_("Vaccination changed."), "removed": N_("Vaccination removed."),
             "confirm": N_("Remove this vaccination?"),
             "gone": N_("This vaccination disappears from the record for good."),
             "edit": N_("Change a vaccination"),
             "empty": N_("No vaccination is recorded.")},
            term=VACCINE, error_fields={"vaccineCode": "vaccine"}),
    )
}


def _value(item: Field, raw: str, errors: dict[str, str], translate: Callable[[str], str]) -> Any:
    def fail(message: str) -> None:
        errors[item.name] = translate(message)

    if item.kind in ("text", "note"):
        return raw or None
    if item.kind == "required_text":
        return raw  # an empty one comes back from the API as REQUIRED, in its words
    if not raw:
        if item.required or item.kind == "required_date":
            fail(REQUIRED)
        return None
    if item.kind in ("date", "required_date") and item.precision:
        period = parse_partial(raw)
        if period is None:
            fail(BAD_PARTIAL_DATE)
        return period
    if item.kind in ("date", "required_date"):
        parsed = parse_day(raw)
        if parsed is None:
            fail(BAD_DATE)
        return parsed.isoformat() if parsed else None
    if item.kind == "number":
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:  # int("²") fails
            fail(BAD_NUMBER)
            return None
        return int(raw)
    if item.choices is not None and raw not in item.choices:
        fail(BAD_CHOICE)
        return None
    return raw


def parse_fields(section: EntrySection, form: FormData,
                 translate: Callable[[str], str]) -> tuple[dict[str, Any], dict[str, str],
                                                          dict[str, str]]:
    """(GraphQL input, the raw values to show again, errors by form field) of the plain fields."""
    values: dict[str, str] = {}
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in section.fields:
        values[item.name] = text(form, item.name, NOTE_LIMIT if item.kind == "note" else TEXT_LIMIT)
        value = _value(item, values[item.name], errors, translate)
        if item.precision:  # a partial date travels as its first day and its precision
            data[item.precision] = value.precision.name if value else None
            value = value.first.isoformat() if value else None
        if item.name not in errors:
            data[item.name] = value
    return data, values, errors


def shown_value(item: Field, value: Any, precision: str | None = None) -> str:
    """A stored value as the form shows it: dates as they are typed in France, 14/07/2021,
    a partial date as it was given (2005, 05/2019)."""
    if value is None:
        return ""
    if item.kind in ("date", "required_date"):
        return PartialDate(date.fromisoformat(str(value)),
                           DatePrecision[precision] if precision else DatePrecision.DAY).typed()
    return str(value)


def form_values(section: EntrySection, entry: dict[str, Any]) -> dict[str, str]:
    """An entry as the edit form shows it."""
    values = {item.name: shown_value(item, entry.get(item.name),
                                     entry.get(item.precision) if item.precision else None)
              for item in section.fields}
    if section.term is ICD10:
        shown = entry.get("text") or entry.get("label") or ""
        values.update(condition=shown, conditionFor=shown, conditionCode=entry.get("code") or "-")
    elif section.term is VACCINE:
        label = (entry.get("vaccine") or {}).get("label") or entry.get("vaccineCode") or ""
        values.update(vaccine=label, vaccineFor=label, vaccineCode=entry.get("vaccineCode") or "")
    return values


def field_errors(section: EntrySection, user_errors: list[dict[str, Any]]) -> dict[str, str]:
    """The API's userErrors by form field (the first message of each field wins)."""
    errors: dict[str, str] = {}
    for problem in user_errors:
        name = problem.get("field") or "form"
        errors.setdefault(section.error_fields.get(name, name), problem["message"])
    return errors
