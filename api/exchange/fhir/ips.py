"""The International Patient Summary: a FHIR R4B `document` Bundle for one viewer.

Its first entry is a Composition (LOINC 60591-5) with six sections; what fills them is
what this viewer may read. The caller asks the policy for each section (``authorize``, so
the reads are noted for the access history) and passes the sections it may read; a section
left out carries ``emptyReason`` *withheld*, an empty one *nilknown*. Items are filtered
row by row with the same facts (``Reader``), as in the export.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from html import escape
from typing import Any

from tortoise.expressions import Q

from api import clock
from api.consent.sections import Section
from api.identity.models import Patient
from api.records.directives.models import Directives
from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    HistoryStatus,
    Treatment,
    Vaccination,
)
from api.records.entries.services import item_facts as entry_facts
from api.records.measurements.kinds import KEYS as MEASUREMENT_KINDS
from api.records.measurements.models import Measurement
from api.records.measurements.services import item_facts as measurement_facts

from . import resources, values
from .export import Reader
from .systems import LIST_EMPTY_REASON, LOINC, resource_id
from .values import Resource

IPS_CODE = "60591-5"
# At most this many items in a section: a summary, not the record (the export has it all).
SECTION_LIMIT = 100


@dataclass(frozen=True)
class IpsSection:
    section: Section
    code: str
    title: str


SECTIONS = (
    IpsSection(Section.HISTORY, "11450-4", "Problem list"),
    IpsSection(Section.ALLERGIES, "48765-2", "Allergies and intolerances"),
    IpsSection(Section.TREATMENTS, "10160-0", "Medication summary"),
    IpsSection(Section.VACCINATIONS, "11369-6", "History of immunizations"),
    IpsSection(Section.MEASUREMENTS, "8716-3", "Vital signs"),
    IpsSection(Section.DIRECTIVES, "42348-3", "Advance directives"),
)
IPS_SECTIONS = frozenset(part.section for part in SECTIONS)


def _narrative(text: str) -> dict[str, str]:
    return {"status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(text)}</p></div>'}


async def _problems(patient: Patient, reader: Reader) -> list[Resource]:
    rows = await HistoryEntry.filter(patient_id=patient.id, kind=HistoryKind.CONDITION,
                                     status=HistoryStatus.ACTIVE).order_by("id").limit(
        SECTION_LIMIT)
    return [resources.history_resource(row) for row in rows
            if reader.reads(Section.HISTORY, entry_facts(row))]


async def _allergies(patient: Patient, reader: Reader) -> list[Resource]:
    rows = await Allergy.filter(patient_id=patient.id).order_by("id").limit(SECTION_LIMIT)
    return [resources.allergy_resource(row) for row in rows
            if reader.reads(Section.ALLERGIES, entry_facts(row))]


async def _medications(patient: Patient, reader: Reader) -> list[Resource]:
    today = clock.today()
    rows = await Treatment.filter(Q(end_date__isnull=True) | Q(end_date__gte=today),
                                  patient_id=patient.id).order_by("id").limit(SECTION_LIMIT)
    return [resources.treatment_resource(row, today) for row in rows
            if reader.reads(Section.TREATMENTS, entry_facts(row))]


async def _immunizations(patient: Patient, reader: Reader) -> list[Resource]:
    rows = await Vaccination.filter(patient_id=patient.id).order_by("-date", "-id").limit(
        SECTION_LIMIT)
    return [resources.vaccination_resource(row) for row in rows
            if reader.reads(Section.VACCINATIONS, entry_facts(row))]


async def _vital_signs(patient: Patient, reader: Reader) -> list[Resource]:
    """The latest reading of each kind."""
    found = []
    for kind in MEASUREMENT_KINDS:
        rows = await Measurement.filter(patient_id=patient.id, kind=kind).order_by(
            "-measured_at", "-id").limit(5)
        latest = next((row for row in rows
                       if reader.reads(Section.MEASUREMENTS, measurement_facts(row))), None)
        if latest is not None:
            found.append(resources.measurement_resource(latest))
    return found


async def _directives(patient: Patient, reader: Reader) -> list[Resource]:
    row = await Directives.filter(patient_id=patient.id).first()
    return resources.directives_resources(row) if row is not None else []


_READERS = {
    Section.HISTORY: _problems, Section.ALLERGIES: _allergies,
    Section.TREATMENTS: _medications, Section.VACCINATIONS: _immunizations,
    Section.MEASUREMENTS: _vital_signs, Section.DIRECTIVES: _directives,
}


def _reference(resource: Resource) -> dict[str, str]:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


async def summary_bundle(patient: Patient, reader: Reader, readable: frozenset[Section]
                         ) -> dict[str, Any]:
    """The IPS as a Bundle (a dict); ``readable``: the sections the policy let the viewer
    read (the identity section decides whether the Patient resource is in it)."""
    moment = values.instant(clock.now())
    subject = values.patient_reference(patient.id)
    entries: list[Resource] = []
    sections = []
    for part in SECTIONS:
        section: dict[str, Any] = {"title": part.title,
                                   "code": {"coding": [{"system": LOINC, "code": part.code}]}}
        found = await _READERS[part.section](patient, reader) if part.section in readable else []
        if found:
            section["entry"] = [_reference(resource) for resource in found]
            entries += found
        else:
            withheld = part.section not in readable
            reason = "withheld" if withheld else "nilknown"
            section["emptyReason"] = {"coding": [{"system": LIST_EMPTY_REASON, "code": reason}]}
            section["text"] = _narrative("Not shared with you." if withheld
                                         else "Nothing recorded.")
        sections.append(section)
    composition = {
        "resourceType": "Composition",
        "id": resource_id("ips", patient.id),
        "status": "final",
        "type": {"coding": [{"system": LOINC, "code": IPS_CODE,
                             "display": "Patient summary Document"}]},
        "subject": subject,
        "date": moment,
        "author": [{"display": "Carnet"}],
        "title": "International Patient Summary",
        "section": sections,
    }
    identity = [resources.patient_resource(patient)] if Section.IDENTITY in readable else []
    return {
        "resourceType": "Bundle",
        "id": uuid.uuid4().hex,
        "identifier": {"system": "urn:carnet:ips", "value": uuid.uuid4().hex},
        "type": "document",
        "timestamp": moment,
        "entry": [{"resource": resource} for resource in [composition, *identity, *entries]],
    }
