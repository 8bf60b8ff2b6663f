"""Queries over GET: an ETag per viewer and answer, 304 with no body when unchanged."""

from __future__ import annotations

import httpx

from api.identity.models import Patient
from api.identity.viewer import SESSION_COOKIE
from api.security import csrf
from api.settings import Settings
from tests.consent.support import Session, session
from tests.factories import make_patient
from tests.graphql.callers import Caller, anonymous, codes

ALLERGIES = "query($id: ID!) { patient(id: $id) { allergies { totalCount items { substance } } } }"
ADD = """mutation($id: ID!) { addAllergy(input: {patientId: $id, substance: "Pollen"}) {
  allergy { id } userErrors { code } } }"""


async def _patient_session(client: httpx.AsyncClient, settings: Settings
                           ) -> tuple[Patient, Session]:
    patient = await make_patient()
    return patient, await session(client, settings, patient)


async def _get(who: Session, query: str, variables: dict[str, str] | None = None,
               etag: str | None = None) -> httpx.Response:
    """A GET as this person: their cookie, and the CSRF header a cookie GET needs too."""
    who.client.cookies.set(SESSION_COOKIE, who.token)
    caller = Caller("cookie", who.client, {csrf.HEADER: who.csrf})
    return await caller.get(query, variables=variables,
                            headers={"If-None-Match": etag} if etag else None)


async def test_an_unchanged_answer_is_not_sent_again(client, settings):
    patient, me = await _patient_session(client, settings)
    first = await _get(me, ALLERGIES, {"id": str(patient.id)})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    assert first.headers["etag"].startswith('W/"')
    assert "Cookie" in first.headers["vary"]
    again = await _get(me, ALLERGIES, {"id": str(patient.id)}, first.headers["etag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_after_a_write_the_etag_changes_and_the_answer_comes_again(client, settings):
    patient, me = await _patient_session(client, settings)
    before = await _get(me, ALLERGIES, {"id": str(patient.id)})
    added = await me(ADD, id=str(patient.id))
    assert added["data"]["addAllergy"]["userErrors"] == []
    after = await _get(me, ALLERGIES, {"id": str(patient.id)}, before.headers["etag"])
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["data"]["patient"]["allergies"]["items"] == [{"substance": "Pollen"}]


async def test_two_people_never_share_an_etag(client, settings):
    query = "{ me { patient { allergies { totalCount } } } }"
    _, alice = await _patient_session(client, settings)
    _, bob = await _patient_session(client, settings)
    alices = await _get(alice, query)
    bobs = await _get(bob, query)
    assert alices.json()["data"] == bobs.json()["data"]  # the same answer, word for word
    assert alices.headers["etag"] != bobs.headers["etag"]
    # Bob presenting Alice's tag gets the answer, not a 304.
    assert (await _get(bob, query, etag=alices.headers["etag"])).status_code == 200


async def test_the_cost_figures_do_not_change_the_etag(client, settings):
    patient, me = await _patient_session(client, settings)
    first = await _get(me, ALLERGIES, {"id": str(patient.id)})
    second = await _get(me, ALLERGIES, {"id": str(patient.id)})
    assert first.json()["extensions"]["cost"]["remaining"] \
        != second.json()["extensions"]["cost"]["remaining"]
    assert first.headers["etag"] == second.headers["etag"]


async def test_a_mutation_over_get_is_refused_and_changes_nothing(client, settings):
    patient, me = await _patient_session(client, settings)
    response = await _get(me, ADD, {"id": str(patient.id)})
    assert response.status_code == 400
    assert "etag" not in response.headers
    listed = await me(ALLERGIES, id=str(patient.id))
    assert listed["data"]["patient"]["allergies"]["totalCount"] == 0


async def test_a_cookie_get_without_its_csrf_header_is_refused(client, settings):
    """A cross-site link must not make a signed-in browser run a query (reads are logged)."""
    _, me = await _patient_session(client, settings)
    client.cookies.set(SESSION_COOKIE, me.token)
    bare = await client.get("/graphql", params={"query": "{ me { account { email } } }"})
    assert bare.status_code == 403
    assert codes(bare.json()) == ["CSRF"]
    assert (await _get(me, "{ me { account { email } } }")).status_code == 200


async def test_only_answers_to_get_carry_an_etag(client, settings):
    caller = await anonymous(client, settings)
    posted = await caller.query("{ __typename }")
    assert posted.status_code == 200 and "etag" not in posted.headers
    refused = await caller.get("{ " + " ".join(f"a{n}: __typename" for n in range(40)) + " }")
    assert codes(refused.json()) == ["TOO_MANY_ALIASES"]
    assert "etag" in refused.headers  # a stable refusal may be cached like any answer
