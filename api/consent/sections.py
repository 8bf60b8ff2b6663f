"""The vocabulary of consent: record sections, actions, professions, bases and refusals.

Every value is a ``StrEnum`` so it can be stored, logged and sent in error extensions as
the plain string it equals.
"""

from __future__ import annotations

from enum import StrEnum

# The app scope that lets an app download the whole record as one FHIR file (beside the
# ``<section>.<action>`` scopes, which still decide what the file holds).
EXPORT_SCOPE = "fhir.export"


class Section(StrEnum):
    """A section of the record; each one is a unit of consent."""

    IDENTITY = "identity"
    HISTORY = "history"
    ALLERGIES = "allergies"
    TREATMENTS = "treatments"
    VACCINATIONS = "vaccinations"
    MEASUREMENTS = "measurements"
    DIRECTIVES = "directives"
    DOCUMENTS = "documents"


class Action(StrEnum):
    """What the viewer wants to do with a section or an item."""

    READ = "read"
    WRITE = "write"
    # Adding a new document without any read access (professional deposit).
    DEPOSIT = "deposit"


class Profession(StrEnum):
    """Health professions known to the access matrix."""

    PHYSICIAN = "physician"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    DENTIST = "dentist"
    MIDWIFE = "midwife"
    PHYSIOTHERAPIST = "physiotherapist"
    EMERGENCY_PHYSICIAN = "emergency_physician"
    SAMU_REGULATOR = "samu_regulator"


class DocumentCategory(StrEnum):
    """Groups of document types, following the access matrix of the shared medical record."""

    REPORT = "report"
    SUMMARY = "summary"
    IMAGING = "imaging"
    PRESCRIPTION = "prescription"
    DISPENSING = "dispensing"
    CARE_PLAN = "care_plan"
    ADMINISTERED_TREATMENT = "administered_treatment"
    CERTIFICATE = "certificate"
    PATIENT_DOCUMENT = "patient_document"
    ADMINISTRATIVE = "administrative"


class Basis(StrEnum):
    """Why an access was allowed; recorded in the access history."""

    OWNER = "owner"
    REPRESENTATIVE = "representative"
    GRANT = "grant"
    TREATING_DOCTOR = "treating_doctor"
    EMERGENCY = "emergency"
    DEPOSIT = "deposit"
    APP = "app"
    # The professional who started a conversation reads and writes in it (api/messaging).
    CONVERSATION = "conversation"
    # Carnet's operator, on the command line (the FHIR export): outside the policy's routes.
    OPERATOR = "operator"


class Refusal(StrEnum):
    """Machine-readable reason an access was refused."""

    # The viewer has no relation at all to the patient.
    NO_RELATION = "no_relation"
    # The patient blocked this professional; beats every other rule.
    BLOCKED = "blocked"
    # Some relation exists, but nothing covers this section.
    NOT_GRANTED = "not_granted"
    GRANT_EXPIRED = "grant_expired"
    GRANT_REVOKED = "grant_revoked"
    # The profession matrix never allows this section/action for the profession.
    MATRIX_FORBIDS = "matrix_forbids"
    # The profession matrix never allows this document (its category or type code).
    DOCUMENT_TYPE_FORBIDDEN = "document_type_forbidden"
    # Read access exists, write does not.
    READ_ONLY = "read_only"
    # The patient hid the document from professionals.
    HIDDEN = "hidden"
    # A professional holds the document back from the patient for now.
    HELD_BACK = "held_back"
    # The minor asked to keep the item from their parents.
    CONFIDENTIAL_FOR_MINOR = "confidential_for_minor"
    EMERGENCY_OPPOSED = "emergency_opposed"
    EMERGENCY_EXPIRED = "emergency_expired"
    EMERGENCY_NOT_OPEN = "emergency_not_open"
    # Break-glass facts exist for a profession that may not use break-glass.
    NOT_EMERGENCY_PROFESSION = "not_emergency_profession"
    # The child turned 18: the parent's rights ended.
    REPRESENTATIVE_ENDED = "representative_ended"
    # The person may do it, the app acting for them was not given that scope.
    SCOPE_MISSING = "scope_missing"
    # Only documents can be deposited.
    NOT_DEPOSITABLE = "not_depositable"
    # Only professionals deposit; patients write.
    NOT_A_PROFESSIONAL = "not_a_professional"
    # The professional closed the conversation: nobody writes in it any more.
    CONVERSATION_CLOSED = "conversation_closed"
    # The patient closed their account: the record is archived, no relation opens it.
    RECORD_ARCHIVED = "record_archived"
