"""Consent: who may read or write what in a patient's record.

``decide`` is the one decision point; ``document_visibility`` is its list-filter twin;
``patient_reach``, ``may_manage_consent`` and ``may_open_emergency_access`` decide about the
relation itself. All are pure; the caller loads the facts (``Rights``) once per request.
"""

from api.consent.matrix import MATRIX, Matrix, MatrixError, ProfessionRights, load_matrix
from api.consent.policy import (
    EMERGENCY_PROFESSIONS,
    HELD_BACK_NOTICE_DELAY,
    AppFacts,
    Decision,
    DocumentFilter,
    DocumentVisibility,
    EmergencyFacts,
    GrantFacts,
    ItemFacts,
    Rights,
    ViewerFacts,
    decide,
    default_held_back_until,
    document_visibility,
    held_back_notice_due,
    may_manage_consent,
    may_open_emergency_access,
    patient_reach,
    represents,
)
from api.consent.sections import (
    Action,
    Basis,
    DocumentCategory,
    Profession,
    Refusal,
    Section,
)

__all__ = [
    "EMERGENCY_PROFESSIONS",
    "HELD_BACK_NOTICE_DELAY",
    "MATRIX",
    "Action",
    "AppFacts",
    "Basis",
    "Decision",
    "DocumentCategory",
    "DocumentFilter",
    "DocumentVisibility",
    "EmergencyFacts",
    "GrantFacts",
    "ItemFacts",
    "Matrix",
    "MatrixError",
    "Profession",
    "ProfessionRights",
    "Refusal",
    "Rights",
    "Section",
    "ViewerFacts",
    "decide",
    "default_held_back_until",
    "document_visibility",
    "held_back_notice_due",
    "load_matrix",
    "may_manage_consent",
    "may_open_emergency_access",
    "patient_reach",
    "represents",
]
