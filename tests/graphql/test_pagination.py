"""Every page offers Relay's edges and pageInfo as well as `items`."""

from __future__ import annotations

from tests.consent.support import session
from tests.factories import make_patient

PAGE = """query($id: ID!, $after: String) { patient(id: $id) { allergies(first: 2, after: $after) {
  totalCount items { substance }
  edges { cursor node { substance } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
ADD = """mutation($id: ID!, $name: String!) { addAllergy(input: {patientId: $id, substance: $name})
  { userErrors { code } } }"""


async def test_edges_follow_relay_and_page_the_same_as_items(client, settings, db):
    patient = await make_patient()
    me = await session(client, settings, patient)
    for name in ("Pollen", "Latex", "Arachide"):
        assert (await me(ADD, id=str(patient.id), name=name))["data"]["addAllergy"] \
            == {"userErrors": []}
    first = (await me(PAGE, id=str(patient.id)))["data"]["patient"]["allergies"]
    assert first["totalCount"] == 3
    assert [e["node"] for e in first["edges"]] == first["items"]
    info = first["pageInfo"]
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is False
    assert info["startCursor"] == first["edges"][0]["cursor"]
    assert info["endCursor"] == first["edges"][-1]["cursor"]
    # A cursor taken from an edge is a valid `after`, as Relay's helpers use it.
    rest = (await me(PAGE, id=str(patient.id), after=first["edges"][0]["cursor"])
            )["data"]["patient"]["allergies"]
    assert len(rest["edges"]) == 2 and rest["edges"][0]["node"] == first["items"][1]
    last = (await me(PAGE, id=str(patient.id), after=info["endCursor"]))["data"]["patient"]
    edges = last["allergies"]["edges"]
    assert len(edges) == 1 and last["allergies"]["pageInfo"]["hasNextPage"] is False
    seen = [e["node"]["substance"] for e in first["edges"] + edges]
    assert sorted(seen) == ["Arachide", "Latex", "Pollen"]
