"""The code systems and identifier namespaces of docs/fhir.md, named once for both directions."""

from __future__ import annotations

INS_NIR = "urn:oid:1.2.250.1.213.1.4.8"
RPPS = "urn:oid:1.2.250.1.71.4.2.1"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
CARNET_VACCINE = "urn:carnet:vaccine"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LIST_EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
IMPORTED_POLICY = "urn:carnet:imported"
# meta.security of a document: hidden-from-professionals, held-back, confidential-for-minor.
CARNET_SECURITY = "urn:carnet:security"

ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
ADVANCE_DIRECTIVE_CATEGORY = "59284-0"  # LOINC: consent document
ORGAN_DONATION = "organ-donation"


def carnet_identifier(kind: str, row_id: int | str) -> dict[str, str]:
    """The identifier every resource taken from a row carries: `urn:carnet:<kind>`."""
    return {"system": f"urn:carnet:{kind}", "value": str(row_id)}


def resource_id(kind: str, row_id: int | str) -> str:
    """`<kind>-<carnet id>`: stable across exports of the same record."""
    return f"{kind}-{row_id}"
