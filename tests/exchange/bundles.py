"""Hand-written FHIR bundles for the import tests, as other software and Carnet write them."""

from __future__ import annotations

import base64
import json
from typing import Any

from api.records.documents.samples import pdf

PDF_BYTES = pdf("Compte rendu", ["Tout va bien."])
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    entries = []
    for resource in resources:
        entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{resource['resourceType'].lower()}-"
                                            f"{resource.get('id', len(entries))}",
                                 "resource": resource}
        if kind == "transaction":
            entry["request"] = {"method": "POST", "url": resource["resourceType"]}
        entries.append(entry)
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def as_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()


def carnet_id(kind: str, value: int) -> list[dict[str, str]]:
    return [{"system": f"urn:carnet:{kind}", "value": str(value)}]


# Another service's identifier, not an INS: the INS check has its own test.
PATIENT = {"resourceType": "Patient", "id": "patient-1",
           "identifier": [{"system": "https://hospital.example/patients", "value": "A-1234"}],
           "name": [{"use": "official", "family": "MARTIN", "given": ["Camille"]}],
           "birthDate": "1995-10-14", "gender": "female"}
SUBJECT = {"reference": "Patient/patient-1"}


def condition(ident: int = 1, code: str | None = "J45", text: str | None = "asthme",
              onset: str = "2005", **extra: Any) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if code:
        concept["coding"] = [{"system": ICD10, "code": code}]
    if text:
        concept["text"] = text
    return {"resourceType": "Condition", "id": f"condition-{ident}",
            "identifier": carnet_id("condition", ident), "subject": SUBJECT, "code": concept,
            "clinicalStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active"}]},
            "onsetDateTime": onset, **extra}


def procedure(ident: int = 2) -> dict[str, Any]:
    return {"resourceType": "Procedure", "id": f"procedure-{ident}",
            "identifier": carnet_id("procedure", ident), "status": "completed",
            "subject": SUBJECT, "code": {"text": "appendicectomie"},
            "performedDateTime": "2019-05"}


def family(ident: int = 3) -> dict[str, Any]:
    return {"resourceType": "FamilyMemberHistory", "id": f"family-{ident}",
            "identifier": carnet_id("family", ident), "status": "completed",
            "patient": SUBJECT,
            "relationship": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "MTH"}]},
            "condition": [{"code": {"coding": [{"system": ICD10, "code": "E11"}],
                                    "text": "diabète"}}]}


def allergy(ident: int = 4) -> dict[str, Any]:
    return {"resourceType": "AllergyIntolerance", "id": f"allergy-{ident}",
            "identifier": carnet_id("allergy", ident), "patient": SUBJECT,
            "code": {"text": "Pénicilline"}, "criticality": "high",
            "reaction": [{"manifestation": [{"text": "urticaire"}], "severity": "severe"}],
            "onsetDateTime": "2010-06-01"}


def treatment(ident: int = 5) -> dict[str, Any]:
    return {"resourceType": "MedicationStatement", "id": f"treatment-{ident}",
            "identifier": carnet_id("treatment", ident), "status": "active",
            "subject": SUBJECT, "medicationCodeableConcept": {"text": "Ventoline 100 µg"},
            "dosage": [{"text": "2 bouffées si besoin", "route": {"text": "inhalée"}}],
            "effectivePeriod": {"start": "2015-03-02"},
            "informationSource": {"display": "Dr BERNARD"}}


def immunization(ident: int = 6, coding: list[dict[str, str]] | None = None,
                 when: str = "2019-05") -> dict[str, Any]:
    return {"resourceType": "Immunization", "id": f"vaccination-{ident}",
            "identifier": carnet_id("vaccination", ident), "status": "completed",
            "patient": SUBJECT, "occurrenceDateTime": when, "lotNumber": "AB123",
            "vaccineCode": {"coding": coding or [
                {"system": "http://www.whocc.no/atc", "code": "J07BB02"}]},
            "protocolApplied": [{"doseNumberPositiveInt": 1}]}


def observation(ident: int = 7, code: str = "29463-7", value: float = 72.5,
                unit: str = "kg", when: str = "2024-03-01T08:30:00+01:00") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": f"measurement-{ident}",
            "identifier": carnet_id("measurement", ident), "status": "final",
            "subject": SUBJECT,
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "vital-signs"}]}],
            "code": {"coding": [{"system": LOINC, "code": code}]},
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
            "effectiveDateTime": when}


def blood_pressure(ident: int = 8) -> dict[str, Any]:
    def part(code: str, value: int) -> dict[str, Any]:
        return {"code": {"coding": [{"system": LOINC, "code": code}]},
                "valueQuantity": {"value": value, "unit": "mmHg", "system": UCUM,
                                  "code": "mm[Hg]"}}
    return {"resourceType": "Observation", "id": f"measurement-{ident}",
            "identifier": carnet_id("measurement", ident), "status": "final",
            "subject": SUBJECT, "code": {"coding": [{"system": LOINC, "code": "85354-9"}]},
            "component": [part("8480-6", 128), part("8462-4", 82)],
            "effectiveDateTime": "2024-03-02T09:00:00+01:00"}


def document(ident: int = 9, binary: str | None = None) -> dict[str, Any]:
    return {"resourceType": "DocumentReference", "id": f"document-{ident}",
            "identifier": carnet_id("document", ident), "status": "current",
            "subject": SUBJECT, "description": "Compte rendu de cardiologie",
            "type": {"coding": [{"system": LOINC, "code": "11488-4"}]},
            "date": "2024-02-10T10:00:00+01:00",
            "content": [{"attachment": {"contentType": "application/pdf",
                                        "url": binary or f"Binary/binary-{ident}"}}]}


def binary(ident: int = 9, content: bytes = PDF_BYTES) -> dict[str, Any]:
    return {"resourceType": "Binary", "id": f"binary-{ident}",
            "contentType": "application/pdf", "data": base64.b64encode(content).decode()}


def directives(ident: int = 10) -> dict[str, Any]:
    wishes = base64.b64encode("Pas d'acharnement thérapeutique.".encode()).decode()
    return {"resourceType": "Consent", "id": f"directives-{ident}",
            "identifier": carnet_id("directives", ident), "status": "active",
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                  "code": "adr"}]},
            "category": [{"coding": [{"system": LOINC, "code": "59284-0"}]}],
            "patient": SUBJECT,
            "contained": [{"resourceType": "RelatedPerson", "id": "trusted",
                           "patient": SUBJECT, "name": [{"text": "Jean MARTIN"}],
                           "relationship": [{"text": "frère"}],
                           "telecom": [{"system": "phone", "value": "0612345678"}]}],
            "performer": [{"reference": "#trusted"}],
            "sourceAttachment": {"contentType": "text/plain", "data": wishes}}


def grant(ident: int = 11) -> dict[str, Any]:
    return {"resourceType": "Consent", "id": f"grant-{ident}",
            "identifier": carnet_id("grant", ident), "status": "active",
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                  "code": "patient-privacy"}]},
            "category": [{"text": "grant"}], "patient": SUBJECT}


def every_kind() -> list[dict[str, Any]]:
    """One resource of each kind the contract maps, and the patient."""
    return [PATIENT, condition(), procedure(), family(), allergy(), treatment(),
            immunization(), observation(), blood_pressure(), document(), binary(),
            directives(), grant()]
