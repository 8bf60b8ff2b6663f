"""The resources around the record's clinical content: its documents (DocumentReference and
Binary), the patient's grants (Consent), the access history (AuditEvent) and who wrote
each entry (Provenance). The clinical rows are in resources.py; docs/fhir.md is the
contract for both."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from api.audit.models import AccessEvent
from api.consent.models import Grant, decode_sections
from api.identity.models import Professional
from api.interop.terminology import document_type
from api.records.documents.models import Document

from .systems import (
    ACT_CODE,
    ADVANCE_DIRECTIVE_CATEGORY,
    AUDIT_EVENT_TYPE,
    CARNET_SECURITY,
    CONSENT_ACTION,
    CONSENT_SCOPE,
    LOINC,
    PARTICIPATION_TYPE,
    PROVENANCE_PARTICIPANT,
    RPPS,
    resource_id,
)
from .values import (
    Resource,
    codeable,
    coding,
    instant,
    patient_reference,
    resource_base,
    without_empty,
)

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
    security = [coding(CARNET_SECURITY, code) for attribute, code in _SECURITY_FLAGS
                if getattr(document, attribute)]
    attachment = without_empty({
        "contentType": document.content_type,
        "size": document.size_bytes,
        "title": document.original_filename or document.title,
        "creation": document.document_date.isoformat(),
        "url": f"Binary/{binary_id(document)}" if sha1 is not None else None,
        "hash": base64.b64encode(sha1).decode("ascii") if sha1 is not None else None,
    })
    return without_empty({
        **resource_base("DocumentReference", "document", document.id),
        "meta": {"security": security} if security else None,
        "status": "current",
        "type": codeable(LOINC, document.type_code, concept.label_en if concept else None),
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
    actions = [codeable(CONSENT_ACTION, "access")]
    if grant.write:
        actions.append(codeable(CONSENT_ACTION, "correct"))
    actor = {
        "role": codeable(PARTICIPATION_TYPE, "PRCP"),
        "reference": {"type": "Practitioner", "display": professional.display_name,
                      "identifier": {"system": RPPS, "value": professional.rpps}},
    }
    return without_empty({
        **resource_base("Consent", "grant", grant.id),
        "status": "active" if now < ends else "inactive",
        "scope": codeable(CONSENT_SCOPE, "patient-privacy"),
        "category": [codeable(LOINC, ADVANCE_DIRECTIVE_CATEGORY)],
        "patient": patient_reference(grant.patient_id),
        "dateTime": instant(grant.created_at),
        "performer": [patient_reference(grant.patient_id)],
        "policyRule": codeable(ACT_CODE, "OPTIN"),
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
    return without_empty({
        "resourceType": "AuditEvent", "id": resource_id("access", event.id),
        "type": coding(AUDIT_EVENT_TYPE, "rest"),
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
        "agent": [{"type": codeable(PROVENANCE_PARTICIPANT, "author"),
                   "role": [{"text": author.role if author else "unknown"}],
                   "who": {"display": who}}],
    }
