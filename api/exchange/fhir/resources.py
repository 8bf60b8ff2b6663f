"""One builder per kind of row: a Carnet model instance becomes a FHIR R4B resource (a dict).

Plain dicts, ready for ``json.dumps``: the export writes thousands of them and validating
each with ``fhir.resources`` would cost more than building it. The tests validate every
kind with the R4B models instead. docs/fhir.md is the contract; ids and identifiers come
from ``systems.resource_id`` and ``systems.carnet_identifier``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import Grant, decode_sections
from api.dates import DatePrecision, PartialDate
from api.identity.models import Patient, Professional
from api.interop.terminology import document_type, vaccine
from api.interop.terminology.icd10 import lookup as icd10_lookup
from api.records.directives.models import Directives, OrganDonation
from api.records.documents.models import Document
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
    ATC,
    CARNET_SECURITY,
    CARNET_VACCINE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONSENT_SCOPE,
    ICD10,
    INS_NIR,
    LOINC,
    OBSERVATION_CATEGORY,
    ROLE_CODE,
    RPPS,
    UCUM,
    carnet_identifier,
    resource_id,
)

Resource = dict[str, Any]

ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
ADVANCE_DIRECTIVE_CATEGORY = "59284-0"  # LOINC: consent document
ORGAN_DONATION = "organ-donation"

# --- Small pieces -------------------------------------------------------------------------


def partial_date(day: date, precision: DatePrecision | str | None) -> str:
    """A FHIR date at the precision the person gave: "2005", "2019-05" or "2019-05-14"."""
    period = PartialDate.of(day, DatePrecision(precision) if precision else None)
    if period.precision is DatePrecision.YEAR:
        return f"{period.first.year:04d}"
    if period.precision is DatePrecision.MONTH:
        return f"{period.first.year:04d}-{period.first.month:02d}"
    return period.first.isoformat()


def instant(moment: datetime) -> str:
    """A FHIR instant: seconds and a time zone (UTC when the database lost it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


def number(value: Decimal | float | int) -> int | float:
    """A decimal as a JSON number, without the column's padding (72.350 → 72.35)."""
    exact = Decimal(value).normalize()
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def reference(kind: str, row_id: int | str, resource_type: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id(kind, row_id)}"}


def patient_reference(patient_id: int) -> dict[str, str]:
    return reference("patient", patient_id, "Patient")


def _base(resource_type: str, kind: str, row_id: int | str) -> Resource:
    return {"resourceType": resource_type, "id": resource_id(kind, row_id),
            "identifier": [carnet_identifier(kind, row_id)]}


def _note(text: str | None) -> list[dict[str, str]] | None:
    return [{"text": text}] if text else None


def _code(system: str, code: str, display: str | None = None) -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_code(system, code, display)]}


def _clean(resource: Resource) -> Resource:
    """Without the keys left empty: FHIR forbids empty values."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


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
    return _clean({
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
        code["coding"] = [_code(ICD10, entry.code, concept.label_en if concept else None)]
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
    return _clean({
        **_base("Condition", "condition", entry.id),
        "clinicalStatus": _concept(CONDITION_CLINICAL, entry.status.value),
        "category": [_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": _history_code(entry),
        "subject": patient_reference(entry.patient_id),
        "onsetDateTime": onset,
        "abatementDateTime": (entry.resolution_date.isoformat()
                              if entry.resolution_date else None),
        "note": _note(entry.note),
    })


def _procedure(entry: HistoryEntry) -> Resource:
    performed = entry.onset_date and partial_date(entry.onset_date, entry.onset_precision)
    return _clean({
        **_base("Procedure", "procedure", entry.id),
        "status": "completed",
        "code": _history_code(entry),
        "subject": patient_reference(entry.patient_id),
        "performedDateTime": performed,
        "note": _note(entry.note),
    })


def _family_history(entry: HistoryEntry) -> Resource:
    relative = entry.relative or Relative.OTHER
    relationship = _concept(ROLE_CODE, _RELATIVES[relative])
    if relative in _RELATIVE_TEXT:
        relationship["text"] = _RELATIVE_TEXT[relative]
    condition = _clean({"code": _history_code(entry) or {"text": "unknown"},
                        "onsetString": (entry.onset_date and partial_date(
                            entry.onset_date, entry.onset_precision))})
    return _clean({
        **_base("FamilyMemberHistory", "family", entry.id),
        "status": "completed",
        "patient": patient_reference(entry.patient_id),
        "relationship": relationship,
        "condition": [condition],
        "note": _note(entry.note),
    })


# --- Allergies, treatments, vaccinations --------------------------------------------------


def allergy_resource(allergy: Allergy) -> Resource:
    reaction = _clean({
        "manifestation": [{"text": allergy.reaction}] if allergy.reaction else None,
        "severity": allergy.severity.value if allergy.severity else None,
    })
    if reaction and "manifestation" not in reaction:  # FHIR needs one manifestation
        reaction["manifestation"] = [{"text": "not stated"}]
    return _clean({
        **_base("AllergyIntolerance", "allergy", allergy.id),
        "clinicalStatus": _concept(ALLERGY_CLINICAL, "active"),
        "criticality": allergy.criticality.value if allergy.criticality else None,
        "code": {"text": allergy.substance},
        "patient": patient_reference(allergy.patient_id),
        "onsetDateTime": allergy.onset_date.isoformat() if allergy.onset_date else None,
        "reaction": [reaction] if reaction else None,
        "note": _note(allergy.note),
    })


def treatment_resource(treatment: Treatment, today: date | None = None) -> Resource:
    day = today or clock.today()
    current = treatment.end_date is None or treatment.end_date >= day
    dosage = _clean({"text": treatment.dose,
                     "route": {"text": treatment.route} if treatment.route else None})
    period = _clean({"start": treatment.start_date and treatment.start_date.isoformat(),
                     "end": treatment.end_date and treatment.end_date.isoformat()})
    return _clean({
        **_base("MedicationStatement", "treatment", treatment.id),
        "status": "active" if current else "completed",
        "medicationCodeableConcept": {"text": treatment.medication},
        "subject": patient_reference(treatment.patient_id),
        "effectivePeriod": period,
        "informationSource": ({"display": treatment.prescriber}
                              if treatment.prescriber else None),
        "dosage": [dosage] if dosage else None,
        "note": _note(treatment.note),
    })


def vaccination_resource(vaccination: Vaccination) -> Resource:
    concept = vaccine(vaccination.vaccine_code)
    codings = [_code(CARNET_VACCINE, vaccination.vaccine_code,
                     concept.label_en if concept else None)]
    if concept is not None and concept.atc:
        codings.append(_code(ATC, concept.atc))
    return _clean({
        **_base("Immunization", "vaccination", vaccination.id),
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
        "note": _note(vaccination.note),
    })


# --- Measurements -------------------------------------------------------------------------


def _quantity(value: Decimal, unit: str) -> dict[str, Any]:
    return {"value": number(value), "unit": unit, "system": UCUM, "code": unit}


def measurement_resource(measurement: Measurement) -> Resource:
    kind = spec(measurement.kind)
    unit = kind.ucum if kind is not None else measurement.unit
    code = (_concept(LOINC, kind.loinc, kind.label("en")) if kind is not None
            else {"text": measurement.kind})
    resource: Resource = {
        **_base("Observation", "measurement", measurement.id),
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY, "vital-signs")],
        "code": code,
        "subject": patient_reference(measurement.patient_id),
        "effectiveDateTime": instant(measurement.measured_at),
        "note": _note(measurement.note),
    }
    if kind is not None and kind.paired:
        resource["component"] = [
            {"code": _concept(LOINC, part.loinc, part.term.label("en")),
             "valueQuantity": _quantity(value, part.term.ucum)}
            for part, value in zip(kind.components, (measurement.value, measurement.value2),
                                   strict=True) if value is not None
        ]
    else:
        resource["valueQuantity"] = _quantity(measurement.value, unit)
    return _clean(resource)


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
        contained.append(_clean({
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
        found.append(_clean({
            **_base("Consent", "directives", directives.id),
            "contained": contained,
            "status": "active",
            "scope": _concept(CONSENT_SCOPE, "adr"),
            "category": [_concept(LOINC, ADVANCE_DIRECTIVE_CATEGORY)],
            "patient": patient,
            "dateTime": instant(directives.updated_at),
            "performer": performer,
            "policyRule": _concept(ACT_CODE, "OPTIN"),
            **source,
        }))
    if directives.organ_donation is not OrganDonation.NOT_STATED:
        provision: dict[str, Any] = {
            "type": "deny" if directives.organ_donation is OrganDonation.REFUSES else "permit"}
        if directives.organ_donation is OrganDonation.LIMITED and directives.organ_donation_limits:
            provision["code"] = [{"text": directives.organ_donation_limits}]
        found.append(_clean({
            **_base("Consent", ORGAN_DONATION, directives.id),
            "status": "active",
            "scope": _concept(CONSENT_SCOPE, "adr"),
            "category": [_concept(LOINC, ADVANCE_DIRECTIVE_CATEGORY),
                         {"text": ORGAN_DONATION}],
            "patient": patient,
            "dateTime": instant(directives.updated_at),
            "policyRule": _concept(ACT_CODE, "OPTIN"),
            "provision": provision,
        }))
    return found


# --- Documents ----------------------------------------------------------------------------

_SECURITY_FLAGS = (
    ("hidden_from_professionals", "hidden-from-professionals"),
    ("held_back_until", "held-back"),
    ("confidential_for_minor", "confidential-for-minor"),
)


def binary_id(document: Document) -> str:
    return resource_id("binary", document.id)


def binary_resource(document: Document, content: bytes) -> Resource:
    """The Binary of a document, its bytes whole (tests and small files; the export streams)."""
    return {"resourceType": "Binary", "id": binary_id(document),
            "contentType": document.content_type,
            "data": base64.b64encode(content).decode("ascii")}


def document_resource(document: Document, sha1: bytes | None) -> Resource:
    """The DocumentReference; ``sha1`` is the digest of the bytes, None when they are lost
    (then no attachment URL either)."""
    concept = document_type(document.type_code)
    security = [_code(CARNET_SECURITY, code) for attribute, code in _SECURITY_FLAGS
                if getattr(document, attribute)]
    attachment = _clean({
        "contentType": document.content_type,
        "size": document.size_bytes,
        "title": document.original_filename or document.title,
        "creation": document.document_date.isoformat(),
        "url": f"Binary/{binary_id(document)}" if sha1 is not None else None,
        "hash": base64.b64encode(sha1).decode("ascii") if sha1 is not None else None,
    })
    return _clean({
        **_base("DocumentReference", "document", document.id),
        "meta": {"security": security} if security else None,
        "status": "current",
        "type": _concept(LOINC, document.type_code, concept.label_en if concept else None),
        "subject": patient_reference(document.patient_id),
        "date": instant(document.created_at),
        "description": document.title,
        "content": [{"attachment": attachment}],
        "context": {"period": {"start": document.document_date.isoformat()}},
    })


# --- Sharing: grants ----------------------------------------------------------------------


def grant_resource(grant: Grant, professional: Professional, now: datetime) -> Resource:
    ends = grant.expires_at
    if grant.revoked_at is not None and grant.revoked_at < ends:
        ends = grant.revoked_at
    actions = [_concept(CONSENT_ACTION, "access")]
    if grant.write:
        actions.append(_concept(CONSENT_ACTION, "correct"))
    actor = {
        "role": _concept(PARTICIPATION_TYPE, "PRCP"),
        "reference": {"type": "Practitioner", "display": professional.display_name,
                      "identifier": {"system": RPPS, "value": professional.rpps}},
    }
    return _clean({
        **_base("Consent", "grant", grant.id),
        "status": "active" if now < ends else "inactive",
        "scope": _concept(CONSENT_SCOPE, "patient-privacy"),
        "category": [_concept(LOINC, ADVANCE_DIRECTIVE_CATEGORY)],
        "patient": patient_reference(grant.patient_id),
        "dateTime": instant(grant.created_at),
        "performer": [patient_reference(grant.patient_id)],
        "policyRule": _concept(ACT_CODE, "OPTIN"),
        "provision": {
            "type": "permit",
            "period": {"start": instant(grant.created_at), "end": instant(ends)},
            "actor": [actor],
            "action": actions,
            "provision": [{"type": "permit", "code": [{"text": section}]}
                          for section in sorted(decode_sections(grant.sections))],
        },
    })


# --- The access history -------------------------------------------------------------------


def access_resource(event: AccessEvent) -> Resource:
    who = event.viewer_name + (f" ({event.viewer_profession})" if event.viewer_profession
                               else "")
    # R4B's AuditEvent has no identifier: its id (access-<carnet id>) is its only name.
    return _clean({
        "resourceType": "AuditEvent", "id": resource_id("access", event.id),
        "type": _code(AUDIT_EVENT_TYPE, "rest"),
        "recorded": instant(event.occurred_at),
        "outcome": "0",
        "purposeOfEvent": [{"text": event.basis.value}],
        "agent": [{"who": {"display": who}, "requestor": True,
                   "name": event.viewer_name}],
        "source": {"observer": {"display": "Carnet"}},
        "entity": [{"what": patient_reference(event.patient_id),
                    "description": event.sections or event.request_kind}],
    })


# --- Provenance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    """Who wrote an entry, as the Provenance names them."""

    name: str
    role: str  # patient, representative or professional


def provenance_resource(target: Resource, created_at: datetime, author: Author | None
                        ) -> Resource:
    """Who wrote the resource ``target`` and when."""
    who = author.name if author is not None else "unknown"
    return {
        "resourceType": "Provenance",
        "id": resource_id("provenance", target["id"]),
        "target": [{"reference": f"{target['resourceType']}/{target['id']}"}],
        "recorded": instant(created_at),
        "agent": [{"type": _concept(PROVENANCE_PARTICIPANT, "author"),
                   "role": [{"text": author.role if author else "unknown"}],
                   "who": {"display": who}}],
    }
