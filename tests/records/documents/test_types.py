"""Listing a record's documents through GraphQL, and the lists offered to forms."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from api import clock
from api.identity.models import Account
from api.settings import Settings
from tests.factories import graphql, make_patient, sign_in
from tests.querycount import count_queries
from tests.records.documents.helpers import Signed, make_document, uploaded

LIST = """
query List($first: Int, $after: String, $category: DocumentCategory) {
  me { patient { documents(first: $first, after: $after, category: $category) {
    totalCount pageInfo { hasNextPage endCursor }
    items { id title typeLabel category documentDate downloadUrl hiddenFromProfessionals
            provenance { createdAt createdBy { name role } } }
  } } }
}
"""


async def _page(signed: Signed, **variables: Any) -> dict[str, Any]:
    body = await graphql(signed.client, signed.csrf, LIST, variables)
    assert "errors" not in body, body
    return body["data"]["me"]["patient"]["documents"]  # type: ignore[index,no-any-return]


async def test_documents_are_listed_newest_first_and_paged_without_gaps(owner: Signed):
    for day in (5, 1, 3, 2, 4):
        await make_document(owner.patient, title=f"day {day}", document_date=date(2025, 1, day))
    first = await _page(owner, first=2)
    assert [item["title"] for item in first["items"]] == ["day 5", "day 4"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    second = await _page(owner, first=2, after=first["pageInfo"]["endCursor"])
    third = await _page(owner, first=2, after=second["pageInfo"]["endCursor"])
    assert [item["title"] for item in second["items"] + third["items"]] == [
        "day 3", "day 2", "day 1"]
    assert not third["pageInfo"]["hasNextPage"]


async def test_documents_of_the_same_day_are_paged_in_a_stable_order(owner: Signed):
    for number in range(5):
        await make_document(owner.patient, title=f"n{number}", document_date=date(2025, 1, 1))
    seen: list[str] = []
    after = None
    while True:
        page = await _page(owner, first=2, after=after)
        seen += [item["title"] for item in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["n4", "n3", "n2", "n1", "n0"]


async def test_the_list_can_be_limited_to_one_category(owner: Signed):
    await uploaded(owner, title="Ordonnance", typeCode="57833-6")
    await uploaded(owner, title="Bilan", typeCode="11502-2")
    page = await _page(owner, category="PRESCRIPTION")
    assert [item["title"] for item in page["items"]] == ["Ordonnance"]
    assert page["totalCount"] == 1


async def test_type_labels_follow_the_viewers_language(owner: Signed):
    await uploaded(owner, typeCode="11502-2")
    owner.client.cookies.set("carnet_lang", "en")
    page = await _page(owner)
    assert page["items"][0]["typeLabel"] == "Laboratory report"


async def test_a_document_held_back_by_a_professional_appears_to_the_patient_on_its_date(
    owner: Signed,
):
    release = clock.now() + timedelta(minutes=10)
    await make_document(owner.patient, title="Annonce", held_back_until=release)
    await make_document(owner.patient, title="Ordinaire")
    before = await _page(owner)
    with clock.frozen_at(release):
        after = await _page(owner)
    assert [item["title"] for item in before["items"]] == ["Ordinaire"]
    assert before["totalCount"] == 1
    assert sorted(item["title"] for item in after["items"]) == ["Annonce", "Ordinaire"]


async def test_a_parent_does_not_see_what_the_child_keeps_confidential(
    client: httpx.AsyncClient, settings: Settings,
):
    parent = await make_patient(first_names="Camille")
    parent_account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2012, 3, 2),
                               guardian=parent_account)
    await make_document(child, author=parent_account, title="Carnet de vaccination")
    await make_document(child, author=parent_account, title="Contraception",
                        confidential_for_minor=True)
    csrf = await sign_in(client, parent_account, settings.secret_key)
    body = await graphql(client, csrf,
                         "{ me { represented { documents { totalCount items { title } } } } }")
    documents = body["data"]["me"]["represented"][0]["documents"]  # type: ignore[index]
    assert documents == {"totalCount": 1, "items": [{"title": "Carnet de vaccination"}]}


async def test_listing_costs_the_same_queries_for_one_or_forty_documents(owner: Signed):
    await make_document(owner.patient)
    with count_queries() as one:
        assert len((await _page(owner, first=100))["items"]) == 1
    for _ in range(39):
        await make_document(owner.patient)
    with count_queries() as forty:
        assert len((await _page(owner, first=100))["items"]) == 40
    assert forty.count == one.count, forty.statements


async def test_more_than_100_per_page_is_refused(owner: Signed):
    body = await graphql(owner.client, owner.csrf, LIST, {"first": 101})
    assert body["errors"][0]["extensions"]["code"] == "BAD_PAGE_SIZE"  # type: ignore[index]


async def test_a_forged_cursor_is_refused(owner: Signed):
    body = await graphql(owner.client, owner.csrf, LIST, {"after": "bm90LWEtZGF0ZXwx"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"  # type: ignore[index]


async def test_forms_get_document_types_and_categories_in_both_languages(owner: Signed):
    query = """{ documentTypes(category: PRESCRIPTION) { code label category }
                 documentCategories { key label } }"""
    french = (await graphql(owner.client, owner.csrf, query))["data"]
    owner.client.cookies.set("carnet_lang", "en")
    english = (await graphql(owner.client, owner.csrf, query))["data"]
    assert {"code": "57833-6", "label": "Prescription de produits de santé",
            "category": "PRESCRIPTION"} in french["documentTypes"]  # type: ignore[index]
    assert all(t["category"] == "PRESCRIPTION" for t in french["documentTypes"])  # type: ignore[index]
    assert french["documentCategories"][0] == {"key": "REPORT", "label": "Comptes rendus"}  # type: ignore[index]
    assert english["documentCategories"][0] == {"key": "REPORT", "label": "Reports"}  # type: ignore[index]
    assert len(french["documentCategories"]) == 10  # type: ignore[index]


async def test_a_document_says_which_record_it_belongs_to(
    client: httpx.AsyncClient, settings: Settings,
):
    parent = await make_patient(first_names="Camille")
    parent_account = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 3, 2),
                               guardian=parent_account)
    mine = await make_document(parent, title="Bilan")
    childs = await make_document(child, author=parent_account, title="Carnet de vaccination")
    csrf = await sign_in(client, parent_account, settings.secret_key)
    query = "query($id: ID!) { document(id: $id) { id patientId } }"
    for document, patient in ((mine, parent), (childs, child)):
        body = await graphql(client, csrf, query, {"id": str(document.id)})
        assert "errors" not in body
        assert body["data"] == {"document": {"id": str(document.id), "patientId": str(patient.id)}}
    listed = await graphql(client, csrf,
                           "{ me { represented { documents { items { patientId } } } } }")
    assert listed["data"]["me"]["represented"][0]["documents"] == {  # type: ignore[index]
        "items": [{"patientId": str(child.id)}]}


async def test_the_record_of_a_document_costs_no_extra_statement(owner: Signed):
    document = await make_document(owner.patient)
    statements = []
    for fields in ("id", "id patientId"):
        with count_queries() as log:
            body = await graphql(owner.client, owner.csrf,
                                 f"query($id: ID!) {{ document(id: $id) {{ {fields} }} }}",
                                 {"id": str(document.id)})
        assert "errors" not in body, body
        statements.append(log.count)
    assert statements[0] == statements[1]
