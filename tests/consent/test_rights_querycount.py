"""Consent costs a fixed number of SQL statements, whatever the number of patients."""

from __future__ import annotations

from api.consent.rights import load_rights_many
from api.consent.sections import Section
from api.graphql.viewer import Viewer
from tests.consent.support import patients_granting, session
from tests.factories import make_professional
from tests.querycount import count_queries

# Sections whose own data costs no statement per patient, so what is counted is consent's
# cost (and the list's): the rights of all listed patients are loaded in one batch.
LIST = """{ patients(first: 100) { totalCount items {
  identity { birthName } history { totalCount } } } }"""
SHARED = frozenset({Section.IDENTITY, Section.ALLERGIES})


async def _patients_granting(doctor, n: int) -> list:
    return await patients_granting(doctor, n, SHARED)


async def _statements_for_listing(client, settings, n: int) -> tuple[int, dict]:
    doctor = await make_professional()
    await _patients_granting(doctor, n)
    reader = await session(client, settings, doctor)
    with count_queries() as log:
        body = await reader(LIST)
    return log.count, body


async def test_listing_fifty_patients_costs_as_many_statements_as_five(client, settings, db):
    five, small = await _statements_for_listing(client, settings, 5)
    fifty, large = await _statements_for_listing(client, settings, 50)
    assert small["data"]["patients"]["totalCount"] == 5
    assert large["data"]["patients"]["totalCount"] == 50
    items = large["data"]["patients"]["items"]
    assert all(i["identity"] is not None for i in items)
    # History was not shared: every patient answers CONSENT_REQUIRED for it, and only that.
    assert all(i["history"] is None for i in items)
    assert {e["extensions"]["code"] for e in large["errors"]} == {"CONSENT_REQUIRED"}
    assert len(large["errors"]) == 50
    assert fifty == five


async def test_loading_rights_on_many_patients_takes_a_fixed_number_of_statements(db):
    doctor = await make_professional()
    patients = await _patients_granting(doctor, 30)
    viewer = Viewer(account=await doctor.account, session=None)
    with count_queries() as log:
        rights = await load_rights_many(viewer, patients)
    assert log.count == 1  # every relation, and the viewer's profession, in one statement
    assert all(r.grants and r.grants[0].sections == SHARED for r in rights.values())
    with count_queries() as one:
        await load_rights_many(viewer, patients[:1])
    assert one.count == log.count
