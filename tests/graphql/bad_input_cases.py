"""Every kind of bad input the API takes, and what the client must get back.

One row: (operation, variables or a raw body) -> (HTTP status, error code, field named).
Placeholders in variables ("{patient}", "{allergy}", "{measurement}", "{professional}")
are replaced by real ids of the signed-in patient's record before the request is sent.
The rows go through every scalar (ID, Int, Float, Date, DateTime, Boolean, String, enums,
Upload), every input object and the arguments of the mutations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERRORS = "userErrors { field code message }"
ADD_HISTORY = ("mutation($input: AddHistoryEntryInput!) { addHistoryEntry(input: $input) "
               f"{{ historyEntry {{ id }} {ERRORS} }} }}")
ADD_ALLERGY = ("mutation($input: AddAllergyInput!) { addAllergy(input: $input) "
               f"{{ allergy {{ id }} {ERRORS} }} }}")
UPDATE_ALLERGY = ("mutation($input: UpdateAllergyInput!) { updateAllergy(input: $input) "
                  f"{{ allergy {{ id }} {ERRORS} }} }}")
REMOVE_ALLERGY = f"mutation($id: ID!) {{ removeAllergy(id: $id) {{ removedId {ERRORS} }} }}"
ADD_TREATMENT = ("mutation($input: AddTreatmentInput!) { addTreatment(input: $input) "
                 f"{{ treatment {{ id }} {ERRORS} }} }}")
ADD_VACCINATION = ("mutation($input: AddVaccinationInput!) { addVaccination(input: $input) "
                   f"{{ vaccination {{ id }} {ERRORS} }} }}")
ADD_MEASUREMENT = ("mutation($input: AddMeasurementInput!) { addMeasurement(input: $input) "
                   f"{{ measurement {{ id }} {ERRORS} }} }}")
UPDATE_MEASUREMENT = ("mutation($input: UpdateMeasurementInput!) { updateMeasurement("
                      f"input: $input) {{ measurement {{ id }} {ERRORS} }} }}")
SAVE_DIRECTIVES = ("mutation($input: SaveDirectivesInput!) { saveDirectives(input: $input) "
                   f"{{ directives {{ organDonation }} {ERRORS} }} }}")
UPDATE_DOCUMENT = ("mutation($input: UpdateDocumentInput!) { updateDocument(input: $input) "
                   f"{{ document {{ id }} {ERRORS} }} }}")
UPLOAD_DOCUMENT = ("mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) "
                   f"{{ document {{ id }} {ERRORS} }} }}")
GRANT = ("mutation($p: ID!, $pro: ID!, $s: [Section!]!, $w: Boolean!, $e: DateTime) { "
         "grantAccess(patientId: $p, professionalId: $pro, sections: $s, write: $w, "
         f"expiresAt: $e) {{ grant {{ id }} {ERRORS} }} }}")
OPPOSE = ("mutation($p: ID!, $o: Boolean!) { setEmergencyAccessOpposition(patientId: $p, "
          f"opposed: $o) {{ emergencyAccessOpposed {ERRORS} }} }}")
EMERGENCY = ("mutation($i: String!, $b: Date!, $r: String!) { "
             "openEmergencyAccess(ins: $i, birthDate: $b, reason: $r) "
             f"{{ emergencyAccess {{ id }} {ERRORS} }} }}")
MARK_READ = f"mutation($ids: [ID!]) {{ markNotificationsRead(ids: $ids) {{ {ERRORS} }} }}"
TERMINOLOGY = ("query($s: TerminologySystem!, $t: String!, $f: Int!) { "
               "terminology(system: $s, text: $t, first: $f) { code } }")
PROFESSIONALS = ("query($q: String!, $p: Profession, $c: String, $f: Int, $a: String) { "
                 "professionals(search: $q, profession: $p, city: $c, first: $f, after: $a) "
                 "{ totalCount } }")
ALLERGY = "query($id: ID!) { allergy(id: $id) { id } }"
FIND = "query($ins: String!, $b: Date!) { findPatient(ins: $ins, birthDate: $b) { handle } }"
HISTORY = ("query($p: ID!, $b: AccessBasis, $f: Int) { accessHistory(patientId: $p, basis: $b, "
           "first: $f) { totalCount } }")
DOC_TYPES = "query($c: DocumentCategory) { documentTypes(category: $c) { code } }"

NOW = "2024-03-01T10:00:00+01:00"
BAD = "BAD_USER_INPUT"


@dataclass(frozen=True)
class Case:
    name: str
    query: str = ""
    variables: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None  # sent as the body instead of {query, variables}
    status: int = 200
    code: str = BAD
    field: str | None = None  # the field named in extensions or in the userError


def allergy(**values: Any) -> dict[str, Any]:
    return {"input": {"patientId": "{patient}", "substance": "Pollen", **values}}


def measurement(**values: Any) -> dict[str, Any]:
    return {"input": {"patientId": "{patient}", "kind": "WEIGHT", "value": 70,
                      "measuredAt": NOW, **values}}


def raw(query: str, variables_json: str) -> bytes:
    return f'{{"query": {_quoted(query)}, "variables": {variables_json}}}'.encode()


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


CASES = [
    # ID
    Case("id-object", ADD_ALLERGY, {"input": {"patientId": {"a": 1}, "substance": "x"}},
         field="input.patientId"),
    Case("id-boolean", REMOVE_ALLERGY, {"id": True}, field="id"),
    Case("id-float", REMOVE_ALLERGY, {"id": 1.5}, field="id"),
    Case("id-list", ALLERGY, {"id": ["1"]}, field="id"),
    Case("id-letters", ALLERGY, {"id": "abc"}, code="BAD_ID", field="id"),
    Case("id-superscript-digit", ALLERGY, {"id": "²"}, code="BAD_ID", field="id"),
    Case("id-beyond-integer-keys", ALLERGY, {"id": str(2**40)}, code="BAD_ID", field="id"),
    Case("id-negative", REMOVE_ALLERGY, {"id": "-1"}, code="BAD_ID", field="id"),
    Case("id-in-list", MARK_READ, {"ids": ["1", {"x": 1}]}, field="ids.1"),
    # Int
    Case("int-fraction", TERMINOLOGY, {"s": "ICD10", "t": "asth", "f": 1.5}, field="f"),
    Case("int-2-power-40", TERMINOLOGY, {"s": "ICD10", "t": "asth", "f": 2**40}, field="f"),
    Case("int-string", TERMINOLOGY, {"s": "ICD10", "t": "asth", "f": "10"}, field="f"),
    Case("int-dose-fraction", ADD_VACCINATION,
         {"input": {"patientId": "{patient}", "vaccineCode": "x", "date": "2024-01-01",
                    "doseNumber": 1.5}}, field="input.doseNumber"),
    Case("int-dose-boolean", ADD_VACCINATION,
         {"input": {"patientId": "{patient}", "vaccineCode": "x", "date": "2024-01-01",
                    "doseNumber": True}}, field="input.doseNumber"),
    Case("int-page-too-large", HISTORY, {"p": "{patient}", "f": 5000},
         code="BAD_PAGE_SIZE", field="first"),
    # Float
    Case("float-string", ADD_MEASUREMENT, measurement(value="72"), field="input.value"),
    Case("float-boolean", ADD_MEASUREMENT, measurement(value=True), field="input.value"),
    Case("float-nan", raw=raw(ADD_MEASUREMENT, '{"input": {"patientId": "{patient}", '
                              '"kind": "WEIGHT", "value": NaN, "measuredAt": "' + NOW + '"}}'),
         field="input.value"),
    Case("float-infinity", raw=raw(ADD_MEASUREMENT, '{"input": {"patientId": "{patient}", '
                                   '"kind": "WEIGHT", "value": 1e309, "measuredAt": "'
                                   + NOW + '"}}'), field="input.value"),
    Case("float-1e308", ADD_MEASUREMENT, measurement(value=1e308),
         code="ABOVE_MAXIMUM", field="value"),
    Case("float-minus-1e308", ADD_MEASUREMENT, measurement(value=-1e308),
         code="BELOW_MINIMUM", field="value"),
    Case("float-1e308-diastolic", ADD_MEASUREMENT,
         measurement(kind="BLOOD_PRESSURE", value=120, value2=1e308),
         code="ABOVE_MAXIMUM", field="value2"),
    Case("float-update-string", UPDATE_MEASUREMENT,
         {"input": {"id": "{measurement}", "value": "abc"}}, field="input.value"),
    # DateTime
    Case("datetime-number", ADD_MEASUREMENT, measurement(measuredAt=1700000000),
         field="input.measuredAt"),
    Case("datetime-offset-25h", ADD_MEASUREMENT,
         measurement(measuredAt="2024-01-01T10:00:00+25:00"), field="input.measuredAt"),
    Case("datetime-year-0", ADD_MEASUREMENT, measurement(measuredAt="0000-01-01T00:00:00Z"),
         field="input.measuredAt"),
    Case("datetime-year-10000", ADD_MEASUREMENT,
         measurement(measuredAt="10000-01-01T00:00:00Z"), field="input.measuredAt"),
    Case("datetime-february-30", ADD_MEASUREMENT,
         measurement(measuredAt="2024-02-30T10:00:00Z"), field="input.measuredAt"),
    Case("datetime-year-1-ahead-of-utc", ADD_MEASUREMENT,
         measurement(measuredAt="0001-01-01T00:30:00+14:00"), field="input.measuredAt"),
    Case("datetime-end-of-time-behind-utc", ADD_MEASUREMENT,
         measurement(measuredAt="9999-12-31T23:59:59-14:00"), field="input.measuredAt"),
    Case("date-arabic-indic-digits", ADD_ALLERGY, allergy(onsetDate="٢٠٢٤-٠١-٠١"),
         field="input.onsetDate"),
    Case("datetime-words", ADD_MEASUREMENT, measurement(measuredAt="yesterday"),
         field="input.measuredAt"),
    Case("datetime-no-zone", ADD_MEASUREMENT, measurement(measuredAt="2024-01-01T10:00:00"),
         code="TIME_ZONE_REQUIRED", field="measuredAt"),
    Case("datetime-grant-end-number", GRANT,
         {"p": "{patient}", "pro": "{professional}", "s": ["ALLERGIES"], "w": False, "e": 12},
         field="e"),
    # Date
    Case("date-year-0", ADD_ALLERGY, allergy(onsetDate="0000-01-01"), field="input.onsetDate"),
    Case("date-february-30", ADD_ALLERGY, allergy(onsetDate="2024-02-30"),
         field="input.onsetDate"),
    Case("date-year-10000", ADD_ALLERGY, allergy(onsetDate="10000-01-01"),
         field="input.onsetDate"),
    Case("date-number", ADD_ALLERGY, allergy(onsetDate=20240101), field="input.onsetDate"),
    Case("date-object", ADD_ALLERGY, allergy(onsetDate={"y": 2024}), field="input.onsetDate"),
    Case("date-month-13", ADD_VACCINATION,
         {"input": {"patientId": "{patient}", "vaccineCode": "x", "date": "2024-13-01"}},
         field="input.date"),
    Case("date-find-patient", FIND, {"ins": "123456789012345", "b": "1980-02-30"}, field="b"),
    Case("date-document", UPDATE_DOCUMENT, {"input": {"id": "1", "documentDate": "2024-02-30"}},
         field="input.documentDate"),
    Case("date-history-resolution", ADD_HISTORY,
         {"input": {"patientId": "{patient}", "kind": "CONDITION", "text": "x",
                    "resolutionDate": "2024-1-5"}}, field="input.resolutionDate"),
    # Enums
    Case("enum-severity", ADD_ALLERGY, allergy(severity="DEADLY"), field="input.severity"),
    Case("enum-history-kind", ADD_HISTORY,
         {"input": {"patientId": "{patient}", "kind": "OTHER", "text": "x"}},
         field="input.kind"),
    Case("enum-section", GRANT,
         {"p": "{patient}", "pro": "{professional}", "s": ["NOPE"], "w": False}, field="s.0"),
    Case("enum-organ-donation", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "organDonation": "MAYBE"}},
         field="input.organDonation"),
    Case("enum-system-number", TERMINOLOGY, {"s": 5, "t": "asth", "f": 5}, field="s"),
    Case("enum-category", DOC_TYPES, {"c": "X"}, field="c"),
    Case("enum-basis", HISTORY, {"p": "{patient}", "b": "X"}, field="b"),
    Case("enum-profession-lowercase", PROFESSIONALS, {"q": "doc", "p": "physician"}, field="p"),
    # Missing or unknown fields, Booleans
    Case("missing-substance", ADD_ALLERGY, {"input": {"patientId": "{patient}"}},
         field="input.substance"),
    Case("missing-patient", ADD_ALLERGY, {"input": {"substance": "x"}}, field="input.patientId"),
    Case("missing-value", ADD_MEASUREMENT,
         {"input": {"patientId": "{patient}", "kind": "WEIGHT", "measuredAt": NOW}},
         field="input.value"),
    Case("missing-variable", REMOVE_ALLERGY, {}, field="id"),
    Case("null-input", ADD_ALLERGY, {"input": None}, field="input"),
    Case("missing-trusted-name", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "trustedPerson": {"phone": "0612345678"}}},
         field="input.trustedPerson.name"),
    Case("unknown-field", ADD_ALLERGY, allergy(bogus=1), field="input.bogus"),
    Case("boolean-string", ADD_ALLERGY, allergy(confidentialForMinor="yes"),
         field="input.confidentialForMinor"),
    Case("boolean-number", OPPOSE, {"p": "{patient}", "o": 1}, field="o"),
    Case("upload-not-a-file", UPLOAD_DOCUMENT,
         {"input": {"patientId": "{patient}", "file": "hello"}}, code="FILE_MISSING",
         field="file"),
    Case("upload-an-object", UPLOAD_DOCUMENT,
         {"input": {"patientId": "{patient}", "file": {"filename": "a.pdf"}}},
         code="FILE_MISSING", field="file"),
    Case("upload-a-number", UPLOAD_DOCUMENT, {"input": {"patientId": "{patient}", "file": 5}},
         code="FILE_MISSING", field="file"),
    # Strings: NUL, controls, lone surrogates, line breaks where one line is expected
    Case("text-nul", ADD_ALLERGY, allergy(substance="Pen\x00icillin"),
         field="input.substance"),
    Case("text-bell", ADD_ALLERGY, allergy(reaction="rash\x07"), field="input.reaction"),
    Case("text-newline-single-line", ADD_ALLERGY, allergy(substance="a\nb"),
         field="input.substance"),
    Case("text-c1-control", ADD_TREATMENT,
         {"input": {"patientId": "{patient}", "medication": "x\x85y"}},
         field="input.medication"),
    Case("text-nul-in-note", ADD_ALLERGY, allergy(note="line\x00"), field="input.note"),
    Case("text-escape-in-update", UPDATE_ALLERGY, {"input": {"id": "{allergy}", "note": "\x1b[2J"}},
         field="input.note"),
    Case("text-lone-surrogate", raw=raw(ADD_ALLERGY, '{"input": {"patientId": "{patient}", '
                                        '"substance": "\\ud800"}}'), field="input.substance"),
    Case("text-nul-history", ADD_HISTORY,
         {"input": {"patientId": "{patient}", "kind": "CONDITION", "text": "\x00"}},
         field="input.text"),
    Case("text-nul-lot", ADD_VACCINATION,
         {"input": {"patientId": "{patient}", "vaccineCode": "x", "date": "2024-01-01",
                    "lotNumber": "A\x00"}}, field="input.lotNumber"),
    Case("text-nul-directives", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "advanceDirectives": "no\x00"}},
         field="input.advanceDirectives"),
    Case("text-escape-trusted-name", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "trustedPerson": {"name": "\x1bX"}}},
         field="input.trustedPerson.name"),
    Case("text-nul-emergency-reason", EMERGENCY,
         {"i": "2951099126111 93", "b": "1995-10-09", "r": "unconscious \x00 now"},
         field="reason"),
    Case("text-nul-document-title", UPDATE_DOCUMENT, {"input": {"id": "1", "title": "\x00"}},
         field="input.title"),
    Case("text-nul-search", PROFESSIONALS, {"q": "do\x00c"}, field="search"),
    Case("text-nul-city", PROFESSIONALS, {"q": "doc", "c": "Lyon\x00"}, field="city"),
    Case("text-nul-terminology", TERMINOLOGY, {"s": "ICD10", "t": "\x00", "f": 5}, field="text"),
    Case("text-nul-measurement-kind", ADD_MEASUREMENT, measurement(kind="WEIGHT\x00"),
         field="input.kind"),
    Case("text-number-for-string", ADD_ALLERGY, allergy(substance=5), field="input.substance"),
    Case("text-nul-cursor", PROFESSIONALS, {"q": "doc", "a": "\x00"}, field="after"),
    Case("cursor-superscript-digit", HISTORY.replace("$f: Int)", "$f: Int, $a: String)")
         .replace("first: $f)", "first: $f, after: $a)"),
         {"p": "{patient}", "a": "wrI="}, code="BAD_CURSOR"),
    Case("offset-cursor-superscript-digit", PROFESSIONALS, {"q": "doc", "a": "wrI="},
         code="BAD_CURSOR"),
    Case("directives-document-superscript-digit", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "documentId": "²"}},
         code="BAD_DOCUMENT_ID", field="documentId"),
    Case("directives-document-beyond-integer-keys", SAVE_DIRECTIVES,
         {"input": {"patientId": "{patient}", "documentId": str(2**40)}},
         code="BAD_DOCUMENT_ID", field="documentId"),
    # Bodies that are not a GraphQL request (no session needed to send them)
    Case("body-bare-string", raw=b'"just a string"', status=400, code="BAD_REQUEST"),
    Case("body-number", raw=b"42", status=400, code="BAD_REQUEST"),
    Case("body-null", raw=b"null", status=400, code="BAD_REQUEST"),
    Case("body-not-utf8", raw=b'{"query": "{ me { id } }"}\xff\xfe', status=400,
         code="BAD_REQUEST"),
    Case("body-latin1", raw='{"query": "{ me { id } }", "x": "é"}'.encode("latin-1"),
         status=400, code="BAD_REQUEST"),
    Case("body-not-json", raw=b"{", status=400, code="BAD_REQUEST"),
    Case("body-huge-integer", raw=b'{"query": "{ me { id } }", "x": ' + b"9" * 5000 + b"}",
         status=400, code="BAD_REQUEST"),
    Case("body-batch", raw=b"[]", status=400, code="BAD_REQUEST"),
    Case("body-query-number", raw=b'{"query": 5}', status=400, code="BAD_REQUEST"),
    Case("body-variables-string", raw=b'{"query": "{ me { id } }", "variables": "x"}',
         status=400, code="BAD_REQUEST"),
    Case("query-syntax", "mutation {", code="GRAPHQL_PARSE_FAILED"),
    Case("query-unknown-field", "{ nothing }", code="GRAPHQL_VALIDATION_FAILED"),
    Case("query-literal-date", "{ findPatient(ins: \"1\", birthDate: \"2024-02-30\") { id } }"),
    Case("query-literal-id", "{ allergy(id: true) { id } }", code="GRAPHQL_VALIDATION_FAILED"),
]
