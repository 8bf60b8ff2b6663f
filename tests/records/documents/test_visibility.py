"""The SQL translation of the policy's document filters admits exactly what the policy admits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.consent.policy import (
    DocumentFilter,
    DocumentVisibility,
    GrantFacts,
    Rights,
    ViewerFacts,
    document_visibility,
)
from api.consent.sections import DocumentCategory, Profession, Section
from api.identity.models import Patient, Professional
from api.records.documents.loaders import document_page, item_facts
from api.records.documents.models import Document
from api.records.documents.visibility import visibility_condition
from tests.factories import make_patient, make_professional
from tests.records.documents.helpers import make_document

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CATEGORIES = [category.value for category in DocumentCategory]
# Ordinary types, and the sensitive ones the profession matrix singles out.
TYPE_CODES = ["11502-2", "57833-6", "18748-4", "51855-5", "68599-0", "83901-9", "89601-9",
              "75496-0", "68817-6"]
HELD_BACK = [None, NOW - timedelta(days=1), NOW, NOW + timedelta(days=1)]


@dataclass(frozen=True)
class People:
    patient: Patient
    professional: Professional


@pytest.fixture
async def people(db: None) -> People:
    return People(await make_patient(), await make_professional("nurse"))


@dataclass(frozen=True)
class Spec:
    category: str
    type_code: str
    hidden: bool
    author: int  # 0: the patient, 1: the professional, 2: nobody (account deleted)
    held_back_until: datetime | None
    confidential: bool


specs = st.builds(
    Spec, category=st.sampled_from(CATEGORIES), type_code=st.sampled_from(TYPE_CODES),
    hidden=st.booleans(), author=st.integers(0, 2), held_back_until=st.sampled_from(HELD_BACK),
    confidential=st.booleans(),
)


def filters(authors: list[int | None]) -> st.SearchStrategy[DocumentFilter]:
    return st.builds(
        DocumentFilter,
        allowed_categories=st.none() | st.frozensets(st.sampled_from(CATEGORIES)),
        also_type_codes=st.frozensets(st.sampled_from(TYPE_CODES), max_size=3),
        excluded_type_codes=st.frozensets(st.sampled_from(TYPE_CODES), max_size=3),
        exclude_hidden=st.booleans(),
        hidden_exempt_author=st.sampled_from(authors),
        exclude_held_back_after=st.sampled_from([None, NOW]),
        exclude_minor_confidential=st.booleans(),
    )


async def _documents(people: People, wanted: list[Spec]) -> list[Document]:
    await Document.filter(patient_id=people.patient.id).delete()
    authors = [people.patient.account_id, people.professional.account_id, None]
    return [
        await make_document(
            people.patient, category=spec.category, type_code=spec.type_code,
            hidden_from_professionals=spec.hidden, created_by_id=authors[spec.author],
            held_back_until=spec.held_back_until, confidential_for_minor=spec.confidential,
            document_date=date(2025, 1, 1) + timedelta(days=index),
        )
        for index, spec in enumerate(wanted)
    ]


async def _visible_ids(people: People, visibility: DocumentVisibility) -> set[int]:
    rows, total = await document_page(people.patient.id, visibility, size=100)
    assert total == len(rows)
    return {row.id for row in rows}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=st.lists(specs, max_size=8), data=st.data())
async def test_sql_admits_exactly_the_documents_the_policy_admits(
    people: People, wanted: list[Spec], data: st.DataObject,
):
    authors = [people.patient.account_id, people.professional.account_id, None]
    visibility = DocumentVisibility(tuple(data.draw(st.lists(filters(authors), max_size=3))))
    documents = await _documents(people, wanted)
    expected = {doc.id for doc in documents if visibility.admits(item_facts(doc))}
    assert await _visible_ids(people, visibility) == expected


def _viewers(people: People) -> list[tuple[ViewerFacts, Rights]]:
    """Real situations, built with the policy's own facts (grants do not exist in SQL yet)."""
    patient_id = people.patient.id
    owner = ViewerFacts(account_id=people.patient.account_id or 0, professional=None)
    grant = GrantFacts(sections=frozenset({Section.DOCUMENTS}), write=False,
                       expires_at=NOW + timedelta(days=30))
    situations = []
    for profession in (Profession.NURSE, Profession.DENTIST, Profession.PHYSICIAN):
        viewer = ViewerFacts(account_id=people.professional.account_id, professional=profession)
        situations.append((viewer, Rights(patient_id=patient_id, now=NOW, grants=(grant,))))
        situations.append((viewer, Rights(patient_id=patient_id, now=NOW,
                                          is_treating_doctor=True)))
    situations.append((owner, Rights(patient_id=patient_id, now=NOW, is_owner=True)))
    situations.append((owner, Rights(patient_id=patient_id, now=NOW,
                                     representative_until=NOW + timedelta(days=300))))
    return situations


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wanted=st.lists(specs, max_size=10))
async def test_sql_agrees_with_the_policy_for_real_viewers(people: People, wanted: list[Spec]):
    documents = await _documents(people, wanted)
    for viewer, rights in _viewers(people):
        visibility = document_visibility(viewer, rights)
        expected = {doc.id for doc in documents if visibility.admits(item_facts(doc))}
        assert await _visible_ids(people, visibility) == expected, (viewer, rights)


async def test_hidden_documents_are_left_out_before_paging_for_a_granted_nurse(people: People):
    nurse = ViewerFacts(account_id=people.professional.account_id, professional=Profession.NURSE)
    grant = GrantFacts(sections=frozenset({Section.DOCUMENTS}), write=False,
                       expires_at=NOW + timedelta(days=1))
    visibility = document_visibility(nurse, Rights(patient_id=people.patient.id, now=NOW,
                                                   grants=(grant,)))
    for day in range(1, 6):  # the five newest are hidden
        await make_document(people.patient, title=f"hidden {day}",
                            document_date=date(2025, 6, day), hidden_from_professionals=True)
    await make_document(people.patient, title="old", document_date=date(2024, 1, 1))
    await make_document(people.patient, title="older", document_date=date(2023, 1, 1))
    await make_document(people.patient, title="psychiatric", type_code="68599-0",
                        category="summary", document_date=date(2025, 7, 1))
    await make_document(people.patient, title="hidden but hers", hidden_from_professionals=True,
                        created_by_id=people.professional.account_id,
                        document_date=date(2022, 1, 1))

    rows, total = await document_page(people.patient.id, visibility, size=2)
    assert [row.title for row in rows[:2]] == ["old", "older"]
    assert total == 3
    assert len(rows) == 3  # one more row than asked: there is a next page


async def test_nothing_visible_sends_no_query(people: People):
    from tests.querycount import count_queries

    await make_document(people.patient)
    with count_queries() as log:
        rows, total = await document_page(people.patient.id, DocumentVisibility(), size=10)
    assert (rows, total, log.count) == ([], 0, 0)


def test_a_missing_type_code_is_kept_by_the_excluded_types_condition(db: None):
    condition = visibility_condition(DocumentVisibility(
        (DocumentFilter(excluded_type_codes=frozenset({"68599-0"})),)))
    assert condition is not None
    sql = Document.filter(condition).sql()
    assert '"type_code" IS NULL OR' in sql and "NOT IN" in sql


def test_a_filter_without_conditions_makes_everything_visible():
    visibility = DocumentVisibility((DocumentFilter(exclude_hidden=True), DocumentFilter()))
    assert visibility_condition(visibility) is None
