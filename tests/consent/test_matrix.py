"""The profession matrix: its content, checked against a table written by hand, and its loader."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from api.consent import MATRIX, Action, DocumentCategory, Matrix, MatrixError, Profession, Section
from api.consent.matrix import is_loinc_code, loinc_check_digit

P, S, C = Profession, Section, DocumentCategory
ALL = frozenset(Section)

# What each profession may ever read and write, restated independently of matrix.toml so that
# an accidental edit of the data shows up as a failing test.
EXPECTED_READ: dict[Profession, frozenset[Section]] = {
    P.PHYSICIAN: ALL,
    P.EMERGENCY_PHYSICIAN: ALL,
    P.SAMU_REGULATOR: ALL,
    P.DENTIST: ALL - {S.DIRECTIVES},
    P.MIDWIFE: ALL,
    P.NURSE: ALL,
    P.PHYSIOTHERAPIST: ALL - {S.VACCINATIONS, S.DIRECTIVES},
    P.PHARMACIST: frozenset(
        {S.IDENTITY, S.ALLERGIES, S.TREATMENTS, S.VACCINATIONS, S.MEASUREMENTS, S.DOCUMENTS}
    ),
}
EXPECTED_WRITE: dict[Profession, frozenset[Section]] = {
    P.PHYSICIAN: ALL,
    P.EMERGENCY_PHYSICIAN: ALL,
    P.SAMU_REGULATOR: frozenset({S.DOCUMENTS}),
    P.DENTIST: frozenset({S.HISTORY, S.ALLERGIES, S.TREATMENTS, S.DOCUMENTS}),
    P.MIDWIFE: ALL - {S.IDENTITY, S.DIRECTIVES},
    P.NURSE: frozenset({S.ALLERGIES, S.VACCINATIONS, S.MEASUREMENTS, S.DOCUMENTS}),
    P.PHYSIOTHERAPIST: frozenset({S.MEASUREMENTS, S.DOCUMENTS}),
    P.PHARMACIST: frozenset({S.TREATMENTS, S.VACCINATIONS, S.MEASUREMENTS, S.DOCUMENTS}),
}

# The reference document types (code, category) of the shared medical record.
DOCUMENT_TYPES: list[tuple[str, DocumentCategory]] = [
    ("11488-4", C.REPORT), ("11490-0", C.REPORT), ("11502-2", C.REPORT),
    ("11505-5", C.REPORT), ("11506-3", C.REPORT), ("11526-1", C.REPORT),
    ("15507-7", C.REPORT), ("15508-5", C.REPORT), ("18748-4", C.IMAGING),
    ("18761-7", C.REPORT), ("18776-5", C.CARE_PLAN), ("34112-3", C.REPORT),
    ("34133-9", C.SUMMARY), ("34749-2", C.REPORT), ("34794-8", C.REPORT),
    ("34874-8", C.REPORT), ("47420-5", C.REPORT), ("51969-4", C.REPORT),
    ("52040-3", C.IMAGING), ("55115-0", C.PRESCRIPTION), ("56445-0", C.SUMMARY),
    ("57828-6", C.PRESCRIPTION), ("57832-8", C.PRESCRIPTION), ("57833-6", C.PRESCRIPTION),
    ("59283-2", C.REPORT), ("60591-5", C.SUMMARY), ("60593-1", C.DISPENSING),
    ("61357-0", C.DISPENSING), ("67851-6", C.REPORT), ("68599-0", C.SUMMARY),
    ("68817-6", C.REPORT), ("70004-7", C.REPORT), ("75496-0", C.REPORT),
    ("77436-4", C.REPORT), ("78513-9", C.REPORT), ("80565-5", C.ADMINISTERED_TREATMENT),
    ("80788-3", C.CARE_PLAN), ("83836-7", C.REPORT), ("83901-9", C.REPORT),
    ("85208-7", C.REPORT), ("87273-9", C.CERTIFICATE), ("89601-9", C.CERTIFICATE),
    ("11369-6", C.SUMMARY),
]  # fmt: skip
CATEGORY_OF = dict(DOCUMENT_TYPES)

PSYCHIATRIC_SUMMARY, PSYCHOLOGICAL_ASSESSMENT = "68599-0", "83901-9"
MEDICAL_CERTIFICATE, TELEMEDICINE_REQUEST, CHILD_CHECK_UP = "89601-9", "75496-0", "68817-6"
SENSITIVE = [
    PSYCHIATRIC_SUMMARY,
    PSYCHOLOGICAL_ASSESSMENT,
    MEDICAL_CERTIFICATE,
    TELEMEDICINE_REQUEST,
    CHILD_CHECK_UP,
]
# Which professions read each sensitive type (everyone else never does).
SENSITIVE_READERS: dict[str, frozenset[Profession]] = {
    PSYCHIATRIC_SUMMARY: frozenset({P.PHYSICIAN, P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR}),
    PSYCHOLOGICAL_ASSESSMENT: frozenset({P.PHYSICIAN, P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR}),
    MEDICAL_CERTIFICATE: frozenset(
        {P.PHYSICIAN, P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR, P.DENTIST, P.MIDWIFE}
    ),
    TELEMEDICINE_REQUEST: frozenset(
        {P.PHYSICIAN, P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR, P.DENTIST, P.MIDWIFE}
    ),
    CHILD_CHECK_UP: frozenset(
        {P.PHYSICIAN, P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR, P.MIDWIFE, P.NURSE}
    ),
}

EVERY_SECTION = [(p, s) for p in Profession for s in Section]


@pytest.mark.parametrize(("profession", "section"), EVERY_SECTION)
def test_profession_reads_a_section_only_as_the_table_says(
    profession: Profession, section: Section
) -> None:
    assert MATRIX.allows(profession, section, Action.READ) == (section in EXPECTED_READ[profession])


@pytest.mark.parametrize(("profession", "section"), EVERY_SECTION)
def test_profession_writes_a_section_only_as_the_table_says(
    profession: Profession, section: Section
) -> None:
    expected = section in EXPECTED_WRITE[profession]
    assert MATRIX.allows(profession, section, Action.WRITE) == expected


@pytest.mark.parametrize(("profession", "section"), EVERY_SECTION)
def test_a_deposit_counts_as_a_write(profession: Profession, section: Section) -> None:
    assert MATRIX.allows(profession, section, Action.DEPOSIT) == MATRIX.allows(
        profession, section, Action.WRITE
    )


@pytest.mark.parametrize(
    ("profession", "type_code"), [(p, code) for p in Profession for code in SENSITIVE]
)
def test_sensitive_document_types_are_read_only_by_the_chosen_professions(
    profession: Profession, type_code: str
) -> None:
    expected = profession in SENSITIVE_READERS[type_code]
    assert MATRIX.allows_document(profession, CATEGORY_OF[type_code], type_code) == expected


def test_dentist_never_reads_advance_directives() -> None:
    assert not MATRIX.allows(P.DENTIST, S.DIRECTIVES, Action.READ)


def test_dentist_cannot_read_psychiatric_documents() -> None:
    assert not MATRIX.allows_document(P.DENTIST, C.SUMMARY, PSYCHIATRIC_SUMMARY)
    assert not MATRIX.allows_document(P.DENTIST, C.REPORT, PSYCHOLOGICAL_ASSESSMENT)


def test_nurse_cannot_read_psychiatric_summary() -> None:
    assert not MATRIX.allows_document(P.NURSE, C.SUMMARY, PSYCHIATRIC_SUMMARY)


def test_nurse_cannot_read_psychological_assessment_nor_medical_certificate() -> None:
    assert not MATRIX.allows_document(P.NURSE, C.REPORT, PSYCHOLOGICAL_ASSESSMENT)
    assert not MATRIX.allows_document(P.NURSE, C.CERTIFICATE, MEDICAL_CERTIFICATE)


def test_nurse_reads_the_vaccination_note_of_the_same_category_as_certificates() -> None:
    assert MATRIX.allows_document(P.NURSE, C.CERTIFICATE, "87273-9")


@pytest.mark.parametrize(("type_code", "category"), DOCUMENT_TYPES)
def test_physician_reads_every_document_type(type_code: str, category: str) -> None:
    assert MATRIX.allows_document(P.PHYSICIAN, category, type_code)


PHARMACIST_READS = {
    "55115-0", "57828-6", "57832-8", "57833-6",  # prescriptions
    "60593-1", "61357-0",  # dispensing, pharmaceutical intervention
    "80565-5",  # medication administration
    "11502-2", "56445-0", "11369-6", "87273-9",  # lab report, medication review, vaccinations
}  # fmt: skip


@pytest.mark.parametrize(("type_code", "category"), DOCUMENT_TYPES)
def test_pharmacist_reads_only_what_dispensing_needs(type_code: str, category: str) -> None:
    expected = type_code in PHARMACIST_READS
    assert MATRIX.allows_document(P.PHARMACIST, category, type_code) == expected


def test_pharmacist_cannot_read_a_consultation_report() -> None:
    assert not MATRIX.allows_document(P.PHARMACIST, C.REPORT, "11488-4")


def test_physiotherapist_reads_imaging_but_not_administrative_documents() -> None:
    assert MATRIX.allows_document(P.PHYSIOTHERAPIST, C.IMAGING, "18748-4")
    assert not MATRIX.allows_document(P.PHYSIOTHERAPIST, C.ADMINISTRATIVE, None)


def test_a_document_of_unknown_category_is_not_readable_by_professionals() -> None:
    assert not MATRIX.allows_document(P.PHYSICIAN, None, None)
    assert not MATRIX.allows_document(P.PHYSICIAN, "scribbles", "11488-4")


def test_a_document_of_unknown_type_is_readable_through_its_category() -> None:
    assert MATRIX.allows_document(P.NURSE, C.REPORT, None)


@pytest.mark.parametrize("profession", list(Profession))
def test_every_profession_may_deposit_documents(profession: Profession) -> None:
    assert MATRIX.allows(profession, S.DOCUMENTS, Action.DEPOSIT)


@pytest.mark.parametrize("profession", [P.EMERGENCY_PHYSICIAN, P.SAMU_REGULATOR])
def test_emergency_professions_read_every_section(profession: Profession) -> None:
    assert all(MATRIX.allows(profession, section, Action.READ) for section in Section)


@pytest.mark.parametrize(("type_code", "category"), DOCUMENT_TYPES)
def test_every_reference_document_type_has_a_valid_loinc_check_digit(
    type_code: str, category: str
) -> None:
    assert is_loinc_code(type_code), category


@pytest.mark.parametrize("code", ["68599-1", "68599", "A8599-0", "12345678-0", " 11488-4"])
def test_malformed_loinc_codes_are_rejected(code: str) -> None:
    assert not is_loinc_code(code)


def test_loinc_check_digit_of_the_documented_example() -> None:
    assert loinc_check_digit("12345") == 5


# --- the loader ---------------------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    text = resources.files("api.consent").joinpath("matrix.toml").read_text("utf-8")
    return tomllib.loads(text)


def _mutate(path: tuple[str, str], value: object) -> dict[str, Any]:
    data = copy.deepcopy(_shipped())
    profession, key = path
    data[profession][key] = value
    return data


def test_the_shipped_matrix_loads() -> None:
    matrix = Matrix.from_mapping(_shipped())
    assert matrix.allows(P.PHYSICIAN, S.DIRECTIVES, Action.WRITE)


def _broken(data: dict[str, Any], change: str) -> dict[str, Any]:
    if change == "unknown profession":
        data["veterinarian"] = copy.deepcopy(data["physician"])
    elif change == "missing profession":
        del data["midwife"]
    elif change == "unknown key":
        data["nurse"]["delete"] = ["history"]
    elif change == "missing key":
        del data["nurse"]["never_read_types"]
    elif change == "row not a table":
        data["nurse"] = ["identity"]
    return data


@pytest.mark.parametrize(
    "change",
    ["unknown profession", "missing profession", "unknown key", "missing key", "row not a table"],
)
def test_a_malformed_matrix_is_refused(change: str) -> None:
    with pytest.raises(MatrixError):
        Matrix.from_mapping(_broken(copy.deepcopy(_shipped()), change))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("dentist", "read"), ["identity", "dental_records"]),
        (("dentist", "read"), "identity"),
        (("dentist", "read"), [1, 2]),
        (("dentist", "read"), ["identity", "identity"]),
        (("nurse", "document_categories"), ["report", "gossip"]),
        (("nurse", "never_read_types"), ["68599-1"]),
        (("nurse", "never_read_types"), ["psychiatric"]),
        (("pharmacist", "write"), ["history"]),
        (("pharmacist", "also_read_types"), ["68599-0"]),
        (("physiotherapist", "read"), ["identity", "history"]),
    ],
    ids=[
        "unknown section",
        "sections not a list",
        "sections not strings",
        "duplicate section",
        "unknown category",
        "wrong check digit",
        "not a loinc code",
        "writes what it cannot read",
        "type both also and never read",
        "document rules without documents",
    ],
)
def test_an_invalid_row_is_refused(path: tuple[str, str], value: object) -> None:
    with pytest.raises(MatrixError):
        Matrix.from_mapping(_mutate(path, value))


def test_invalid_toml_is_refused() -> None:
    with pytest.raises(MatrixError):
        Matrix.from_toml("[physician\nread = ")
