"""One builder per kind of clinical row: the patient, their history, allergies, treatments,
vaccinations, measurements and directives, each a FHIR R4B resource (a dict). The
documents, grants, access history and provenance are in trail.py, the small pieces both
use in values.py.

Plain dicts, ready for ``json.dumps``: the export writes thousands of them and validating
each with ``fhir.resources`` would cost more than building it. The tests validate every
kind with the R4B models instead. docs/fhir.md is the contract; ids and identifiers come
from ``systems.resource_id`` and ``systems.carnet_identifier``.
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from typing import Any

from api import clock
from api.identity.models import Patient
from api.interop.terminology import vaccine
from api.interop.terminology.icd10 import lookup as icd10_lookup
from api.records.directives.models import Directives, OrganDonation
from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    Relative,
    Treatment,
    Vaccination,
)
from api.records.measurements.kinds import spec
from api.records.measurements.models import Measurement

from .systems import (
    ACT_CODE,
    ADVANCE_DIRECTIVE_CATEGORY,
    ALLERGY_CLINICAL,
    ATC,
    CARNET_VACCINE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONSENT_SCOPE,
    ICD10,
    INS_NIR,
    LOINC,
    OBSERVATION_CATEGORY,
    ORGAN_DONATION,
    ROLE_CODE,
    UCUM,
    carnet_identifier,
    resource_id,
)
from .values import (
    Resource,
    codeable,
    coding,
    instant,
    notes,
    number,
    partial_date,
    patient_reference,
    reference,
    resource_base,
    without_empty,
)

# --- The patient --------------------------------------------------------------------------

_GENDERS = {"M": "male", "F": "female"}


def patient_resource(patient: Patient) -> Resource:
    names: list[dict[str, Any]] = [{"use": "official", "family": patient.birth_name,
                                    "given": patient.first_names.split()}]
    if patient.used_name:
        names.append({"use": "usual", "family": patient.used_name,
                      "given": patient.first_names.split()[:1]})
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.contact_email:
        telecom.append({"system": "email", "value": patient.contact_email})
    return without_empty({
        "resourceType": "Patient",
        "id": resource_id("patient", patient.id),
        "identifier": [{"system": INS_NIR, "value": patient.ins_nir + patient.ins_key},
                       carnet_identifier("patient", patient.id)],
        "name": names,
        "telecom": telecom,
        "gender": _GENDERS.get(patient.sex, "unknown"),
        "birthDate": patient.birth_date.isoformat(),
    })


# --- History ------------------------------------------------------------------------------


def _history_code(entry: HistoryEntry) -> dict[str, Any] | None:
    code: dict[str, Any] = {}
    if entry.code:
        concept = icd10_lookup(entry.code)
        code["coding"] = [coding(ICD10, entry.code, concept.label_en if concept else None)]
    if entry.text:
        code["text"] = entry.text
    return code or None


_RELATIVES: dict[Relative, str] = {
    Relative.MOTHER: "MTH", Relative.FATHER: "FTH", Relative.SIBLING: "SIB",
    Relative.CHILD: "CHILD", Relative.GRANDPARENT: "GRPRN", Relative.AUNT_OR_UNCLE: "EXT",
    Relative.COUSIN: "COUSN", Relative.OTHER: "FAMMEMB",
}
_RELATIVE_TEXT = {Relative.AUNT_OR_UNCLE: "aunt or uncle"}


def history_resource(entry: HistoryEntry) -> Resource:
    """A condition, a surgery (Procedure) or an illness in the family (FamilyMemberHistory)."""
    if entry.kind is HistoryKind.SURGERY:
        return _procedure(entry)
    if entry.kind is HistoryKind.FAMILY:
        return _family_history(entry)
    onset = entry.onset_date and partial_date(entry.onset_date, entry.onset_precision)
    return without_empty({
        **resource_base("Condition", "condition", entry.id),
        "clinicalStatus": codeable(CONDITION_CLINICAL, entry.status.value),
        "category": [codeable(CONDITION_CATEGORY, "problem-list-item")],
        "code": _history_code(entry),
        "subject": patient_reference(entry.patient_id),
        "onsetDateTime": onset,
        "abatementDateTime": (entry.resolution_date.isoformat()
                              if entry.resolution_date else None),
        "note": notes(entry.note),
    })


def _procedure(entry: HistoryEntry) -> Resource:
    performed = entry.onset_date and partial_date(entry.onset_date, entry.onset_precision)
    return without_empty({
        **resource_base("Procedure", "procedure", entry.id),
        "status": "completed",
        "code": _history_code(entry),
        "subject": patient_reference(entry.patient_id),
        "performedDateTime": performed,
        "note": notes(entry.note),
    })


def _family_history(entry: HistoryEntry) -> Resource:
    relative = entry.relative or Relative.OTHER
    relationship = codeable(ROLE_CODE, _RELATIVES[relative])
    if relative in _RELATIVE_TEXT:
        relationship["text"] = _RELATIVE_TEXT[relative]
    condition = without_empty({"code": _history_code(entry) or {"text": "unknown"},
                        "onsetString": (entry.onset_date and partial_date(
                            entry.onset_date, entry.onset_precision))})
    return without_empty({
        **resource_base("FamilyMemberHistory", "family", entry.id),
        "status": "completed",
        "patient": patient_reference(entry.patient_id),
        "relationship": relationship,
        "condition": [condition],
        "note": notes(entry.note),
    })


# --- Allergies, treatments, vaccinations --------------------------------------------------


def allergy_resource(allergy: Allergy) -> Resource:
    reaction = without_empty({
        "manifestation": [{"text": allergy.reaction}] if allergy.reaction else None,
        "severity": allergy.severity.value if allergy.severity else None,
    })
    if reaction and "manifestation" not in reaction:  # FHIR needs one manifestation
        reaction["manifestation"] = [{"text": "not stated"}]
    return without_empty({
        **resource_base("AllergyIntolerance", "allergy", allergy.id),
        "clinicalStatus": codeable(ALLERGY_CLINICAL, "active"),
        "criticality": allergy.criticality.value if allergy.criticality else None,
        "code": {"text": allergy.substance},
        "patient": patient_reference(allergy.patient_id),
        "onsetDateTime": allergy.onset_date.isoformat() if allergy.onset_date else None,
        "reaction": [reaction] if reaction else None,
        "note": notes(allergy.note),
    })


def treatment_resource(treatment: Treatment, today: date | None = None) -> Resource:
    day = today or clock.today()
    current = treatment.end_date is None or treatment.end_date >= day
    dosage = without_empty({"text": treatment.dose,
                     "route": {"text": treatment.route} if treatment.route else None})
    period = without_empty({"start": treatment.start_date and treatment.start_date.isoformat(),
                     "end": treatment.end_date and treatment.end_date.isoformat()})
    return without_empty({
        **resource_base("MedicationStatement", "treatment", treatment.id),
        "status": "active" if current else "completed",
        "medicationCodeableConcept": {"text": treatment.medication},
        "subject": patient_reference(treatment.patient_id),
        "effectivePeriod": period,
        "informationSource": ({"display": treatment.prescriber}
                              if treatment.prescriber else None),
        "dosage": [dosage] if dosage else None,
        "note": notes(treatment.note),
    })


def vaccination_resource(vaccination: Vaccination) -> Resource:
    concept = vaccine(vaccination.vaccine_code)
    codings = [coding(CARNET_VACCINE, vaccination.vaccine_code,
                     concept.label_en if concept else None)]
    if concept is not None and concept.atc:
        codings.append(coding(ATC, concept.atc))
    return without_empty({
        **resource_base("Immunization", "vaccination", vaccination.id),
        "status": "completed",
        "vaccineCode": {"coding": codings,
                        "text": concept.label_fr if concept else vaccination.vaccine_code},
        "patient": patient_reference(vaccination.patient_id),
        "occurrenceDateTime": partial_date(vaccination.date, vaccination.date_precision),
        "lotNumber": vaccination.lot_number,
        "performer": ([{"actor": {"display": vaccination.performer}}]
                      if vaccination.performer else None),
        "protocolApplied": ([{"doseNumberPositiveInt": vaccination.dose_number}]
                            if vaccination.dose_number and vaccination.dose_number > 0 else None),
        "note": notes(vaccination.note),
    })


# --- Measurements -------------------------------------------------------------------------


def _quantity(value: Decimal, unit: str) -> dict[str, Any]:
    return {"value": number(value), "unit": unit, "system": UCUM, "code": unit}


def measurement_resource(measurement: Measurement) -> Resource:
    kind = spec(measurement.kind)
    unit = kind.ucum if kind is not None else measurement.unit
    code = (codeable(LOINC, kind.loinc, kind.label("en")) if kind is not None
            else {"text": measurement.kind})
    resource: Resource = {
        **resource_base("Observation", "measurement", measurement.id),
        "status": "final",
        "category": [codeable(OBSERVATION_CATEGORY, "vital-signs")],
        "code": code,
        "subject": patient_reference(measurement.patient_id),
        "effectiveDateTime": instant(measurement.measured_at),
        "note": notes(measurement.note),
    }
    if kind is not None and kind.paired:
        resource["component"] = [
            {"code": codeable(LOINC, part.loinc, part.term.label("en")),
             "valueQuantity": _quantity(value, part.term.ucum)}
            for part, value in zip(kind.components, (measurement.value, measurement.value2),
                                   strict=True) if value is not None
        ]
    else:
        resource["valueQuantity"] = _quantity(measurement.value, unit)
    return without_empty(resource)


# --- Directives ---------------------------------------------------------------------------


def _text_attachment(text: str) -> dict[str, str]:
    return {"contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(text.encode()).decode("ascii")}


def directives_resources(directives: Directives) -> list[Resource]:
    """The advance directives (with the trusted person), and the organ-donation stance when
    the patient stated one."""
    patient = patient_reference(directives.patient_id)
    found: list[Resource] = []
    contained, performer = [], []
    if directives.trusted_person_name:
        person_id = resource_id("trusted-person", directives.id)
        telecom = [{"system": "phone", "value": directives.trusted_person_phone}
                   if directives.trusted_person_phone else None,
                   {"system": "email", "value": directives.trusted_person_email}
                   if directives.trusted_person_email else None]
        contained.append(without_empty({
            "resourceType": "RelatedPerson", "id": person_id,
            "identifier": [carnet_identifier("trusted-person", directives.id)],
            "patient": patient,
            "relationship": ([{"text": directives.trusted_person_relation}]
                             if directives.trusted_person_relation else None),
            "name": [{"text": directives.trusted_person_name}],
            "telecom": [item for item in telecom if item],
        }))
        performer.append({"reference": f"#{person_id}"})
    source: dict[str, Any] = {}
    if directives.document_id is not None:
        source["sourceReference"] = reference("document", directives.document_id,
                                              "DocumentReference")
    elif directives.advance_directives:
        source["sourceAttachment"] = _text_attachment(directives.advance_directives)
    if source or contained:
        found.append(without_empty({
            **resource_base("Consent", "directives", directives.id),
            "contained": contained,
            "status": "active",
            "scope": codeable(CONSENT_SCOPE, "adr"),
            "category": [codeable(LOINC, ADVANCE_DIRECTIVE_CATEGORY)],
            "patient": patient,
            "dateTime": instant(directives.updated_at),
            "performer": performer,
            "policyRule": codeable(ACT_CODE, "OPTIN"),
            **source,
        }))
    if directives.organ_donation is not OrganDonation.NOT_STATED:
        provision: dict[str, Any] = {
            "type": "deny" if directives.organ_donation is OrganDonation.REFUSES else "permit"}
        if directives.organ_donation is OrganDonation.LIMITED and directives.organ_donation_limits:
            provision["code"] = [{"text": directives.organ_donation_limits}]
        found.append(without_empty({
            **resource_base("Consent", ORGAN_DONATION, directives.id),
            "status": "active",
            "scope": codeable(CONSENT_SCOPE, "adr"),
            "category": [codeable(LOINC, ADVANCE_DIRECTIVE_CATEGORY),
                         {"text": ORGAN_DONATION}],
            "patient": patient,
            "dateTime": instant(directives.updated_at),
            "policyRule": codeable(ACT_CODE, "OPTIN"),
            "provision": provision,
        }))
    return found

