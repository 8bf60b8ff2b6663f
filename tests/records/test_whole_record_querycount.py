"""The whole record in one query costs the same SQL statements for 1 or many entries."""

import uuid
from datetime import date

from api import clock
from api.identity.models import Account
from api.records.documents.models import Document
from tests.factories import graphql, make_patient, sign_in
from tests.querycount import count_queries

WHOLE_RECORD = """
query WholeRecord {
  me { patient {
    identity { birthName }
    history { totalCount items { label provenance { createdBy { name } } } }
    allergies { totalCount items { substance provenance { updatedBy { name } } } }
    treatments { totalCount items { medication } }
    vaccinations { totalCount items { vaccine { label } date } }
    measurements { totalCount items { displayValue } }
    directives { organDonation }
    documents { totalCount items { title typeLabel } }
  } }
}
"""

ADD = {
    "history": ('mutation($p: ID!) { addHistoryEntry(input: {patientId: $p, '
                'kind: CONDITION, code: "J45.9", onsetDate: "2020-01-01"}) '
                '{ userErrors { code } } }'),
    "allergy": ('mutation($p: ID!) { addAllergy(input: {patientId: $p, '
                'substance: "Pollen", severity: MILD}) { userErrors { code } } }'),
    "treatment": ('mutation($p: ID!) { addTreatment(input: {patientId: $p, '
                  'medication: "Ventoline", startDate: "2021-02-03"}) { userErrors { code } } }'),
    "measurement": ('mutation($p: ID!) { addMeasurement(input: {patientId: $p, '
                    'kind: "weight", value: 70, measuredAt: "2026-01-05T08:00:00+00:00"}) '
                    '{ userErrors { code } } }'),
}


async def _fill(client, token, patient, account_id, entries):
    for _ in range(entries):
        for mutation in ADD.values():
            body = await graphql(client, token, mutation, {"p": str(patient.id)})
            assert "errors" not in body, body
        vaccine = await graphql(client, token, """query { terminology(system: VACCINE,
            text: "ror", first: 1) { code } }""")
        code = vaccine["data"]["terminology"][0]["code"]
        await graphql(client, token, 'mutation($p: ID!, $c: String!) { addVaccination(input: '
                      '{patientId: $p, vaccineCode: $c, date: "2019-05-06"}) '
                      '{ userErrors { code } } }', {"p": str(patient.id), "c": code})
        moment = clock.now()
        await Document.create(
            patient=patient, title="Compte rendu", type_code="11502-2", category="report",
            content_type="application/pdf", size_bytes=10, sha256="0" * 64,
            storage_key=uuid.uuid4().hex, original_filename="cr.pdf",
            document_date=date(2025, 1, 1), created_at=moment, updated_at=moment,
            created_by_id=account_id, updated_by_id=account_id,
        )


async def _statements_for(client, settings, entries):
    patient = await make_patient()
    account = await Account.get(id=patient.account_id)
    token = await sign_in(client, account, settings.secret_key)
    await _fill(client, token, patient, account.id, entries)
    await graphql(client, token, WHOLE_RECORD)  # warm caches that are not per request
    with count_queries() as log:
        body = await graphql(client, token, WHOLE_RECORD)
    assert "errors" not in body, body
    assert body["data"]["me"]["patient"]["allergies"]["totalCount"] == entries
    assert body["data"]["me"]["patient"]["documents"]["totalCount"] == entries
    return log.count


async def test_the_whole_record_costs_the_same_statements_for_one_or_six_entries(client,
                                                                                      settings):
    one = await _statements_for(client, settings, 1)
    many = await _statements_for(client, settings, 6)
    print(f"whole record: {one} SQL statements with 1 entry per section, {many} with 6")
    assert one == many
