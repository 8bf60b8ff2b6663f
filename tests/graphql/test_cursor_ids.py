"""A cursor carries a position the server issued; forged, it is BAD_CURSOR, never a crash,
on SQLite and PostgreSQL alike (an id beyond integer keys once failed on PostgreSQL)."""

from __future__ import annotations

import pytest

from api.graphql.common import encode_cursor
from tests.consent.support import codes, pid, session
from tests.factories import make_patient

RECORD = """query($p: ID!, $a: String) { patient(id: $p) {
  allergies(after: $a) { totalCount } } }"""
MEASUREMENTS = """query($p: ID!, $a: String) { patient(id: $p) {
  measurements(after: $a) { totalCount } } }"""
DOCUMENTS = """query($p: ID!, $a: String) { patient(id: $p) {
  documents(after: $a) { totalCount } } }"""
CHANGES = """query($p: ID!, $a: String) { changes(patientId: $p, after: $a) { totalCount } }"""

NOT_DIGITS = ["²", "١٢", " 12", "1_0", "-1"]
BEYOND_INTEGER = [str(2**31), "99999999999"]


@pytest.mark.parametrize(("query", "cursor", "forged"), [
    *[(query, cursor, forged) for query, cursor in [
        (RECORD, lambda n: encode_cursor("", n)),
        (RECORD, lambda n: encode_cursor("2024-01-01", n)),
        (MEASUREMENTS, lambda n: encode_cursor("2024-01-01T10:00:00+00:00", n)),
        (DOCUMENTS, lambda n: encode_cursor("2024-01-01", n)),
    ] for forged in NOT_DIGITS + BEYOND_INTEGER],
    # The change feed counts in `bigint`: only what is beyond it is forged.
    *[(CHANGES, lambda n: encode_cursor(n, "2024-01-01T10:00:00+00:00"), forged)
      for forged in [*NOT_DIGITS, str(2**63)]],
])
async def test_a_cursor_with_a_forged_number_is_bad_cursor(client, settings, db, query,
                                                           cursor, forged):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    body = await owner(query, p=pid(patient), a=cursor(forged))
    assert "BAD_CURSOR" in codes(body), body
    assert "INTERNAL_SERVER_ERROR" not in codes(body)
