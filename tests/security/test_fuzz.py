"""A bounded part of `make fuzz`: schemathesis writes operations for every field of /graphql
and sends them to a live demo server as a patient and as a professional with no relation
to any record; no 5xx, no uncoded error, no identity of a record the role may not read."""

from __future__ import annotations

import json

from bench.fuzz import FORBIDDEN, fuzz, problems_in

OPERATIONS = 100


def test_a_hundred_generated_operations_per_role_get_fair_answers():
    reports = fuzz(OPERATIONS, progress=lambda line: None)
    assert [report.role for report in reports] == ["professional", "patient"]
    for report in reports:
        assert report.sent >= OPERATIONS, report.line()
        assert report.failures == [], "\n".join(report.failures[:10])
        assert all(status < 500 for status in report.statuses), report.line()
        # Signed in for real: the answers are refusals and data, not "sign in first".
        assert "UNAUTHENTICATED" not in report.coded, report.line()
    patient = reports[1]
    assert "PROFESSIONALS_ONLY" in patient.coded, patient.line()


def test_the_checks_catch_a_server_error_an_uncoded_error_and_a_breach():
    jean_nir = FORBIDDEN["patient"][0]
    fair = json.dumps({"data": None, "errors": [{"message": "No.",
                                                 "extensions": {"code": "NOT_FOUND"}}]})
    assert problems_in(200, fair, FORBIDDEN["patient"]) == []
    assert problems_in(502, "Bad gateway", ()) == [
        "status 502", "status 502 with a body that is not JSON: 'Bad gateway'"]
    uncoded = json.dumps({"errors": [{"message": "Unexpected error."}]})
    assert problems_in(200, uncoded, ()) == [
        "error without extensions.code: 'Unexpected error.'"]
    breach = json.dumps({"data": {"patient": {"ins": jean_nir + "47"}}})
    assert problems_in(200, breach, FORBIDDEN["patient"]) == [
        f"consent breach: the answer holds {jean_nir!r}"]
