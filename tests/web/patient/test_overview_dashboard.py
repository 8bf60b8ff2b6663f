"""The overview as a small dashboard: one tile per section with its count and its latest
item, and what it costs the database (the same statements for one entry or many)."""

from __future__ import annotations

from typing import Any

from tests.querycount import count_queries
from tests.web.patient.sharing_support import Person, person, text_of
from tests.documents.helpers import make_document
from tests.factories import make_patient

ADD = {
    "history": ('mutation($p: ID!, $t: String!) { addHistoryEntry(input: {patientId: $p, '
                'kind: CONDITION, text: $t}) { userErrors { code } } }'),
    "allergy": ('mutation($p: ID!, $t: String!) { addAllergy(input: {patientId: $p, '
                'substance: $t}) { userErrors { code } } }'),
    "treatment": ('mutation($p: ID!, $t: String!) { addTreatment(input: {patientId: $p, '
                  'medication: $t}) { userErrors { code } } }'),
}
ADD_WEIGHT = ('mutation($p: ID!, $v: Float!, $at: DateTime!) { addMeasurement(input: '
              '{patientId: $p, kind: "weight", value: $v, measuredAt: $at}) '
              '{ userErrors { code } } }')
VACCINE = 'query { terminology(system: VACCINE, text: "ror", first: 1) { code } }'
ADD_VACCINATION = ('mutation($p: ID!, $c: String!) { addVaccination(input: {patientId: $p, '
                   'vaccineCode: $c, date: "2019-05-06"}) { userErrors { code } } }')


async def _fill(owner: Person, entries: int) -> None:
    """`entries` items in each section, the last one added named "… n°{entries}"."""
    assert owner.patient is not None
    patient_id = str(owner.patient.id)
    code = (await owner.ask(VACCINE))["data"]["terminology"][0]["code"]
    for n in range(1, entries + 1):
        for name, mutation in ADD.items():
            body = await owner.ask(mutation, p=patient_id, t=f"{name} n°{n}")
            assert not body.get("errors"), body
        body = await owner.ask(ADD_WEIGHT, p=patient_id, v=60.0 + n,
                               at=f"2026-01-{n:02d}T08:00:00+00:00")
        assert not body.get("errors"), body
        await owner.ask(ADD_VACCINATION, p=patient_id, c=code)
        await make_document(owner.patient, title=f"Compte rendu n°{n}")


async def _statements(client: Any, settings: Any, entries: int) -> int:
    owner = await person(client, settings.secret_key, await make_patient())
    await _fill(owner, entries)
    await owner.get(owner.url())  # warm the caches that are not per request
    with count_queries() as log:
        page = await owner.get(owner.url())
    assert page.status_code == 200
    return log.count


async def test_the_overview_costs_the_same_statements_for_one_or_many_entries(client, settings):
    one = await _statements(client, settings, 1)
    many = await _statements(client, settings, 4)
    print(f"overview page: {one} SQL statements with 1 entry per section, {many} with 4")
    assert one == many
