"""The hash of an event covers its content and the hash before it."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.audit.chain import GENESIS_HASH, EventContent, canonical, event_hash
from api.consent.sections import Basis
from tests.audit.conftest import chain_of, seed
from tests.factories import make_patient, make_professional

CONTENT = EventContent(
    patient_id=7, sequence=1, occurred_at=datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC),
    viewer_account_id=3, viewer_professional_id=2, viewer_name="Léa MARTIN",
    viewer_profession="nurse", basis="grant", sections="allergies,treatments", actions="read",
    emergency=False, request_kind="graphql", detail="",
)


def test_the_hash_is_sha256_of_sorted_compact_json() -> None:
    text = canonical(CONTENT, GENESIS_HASH).decode()
    assert text.startswith('{"actions":"read","basis":"grant","detail":""')
    assert '"occurred_at":"2026-03-01T09:30:00.123456Z"' in text
    assert '"viewer_name":"Léa MARTIN"' in text
    assert event_hash(CONTENT, GENESIS_HASH) == hashlib.sha256(text.encode()).hexdigest()


def test_the_same_instant_in_another_time_zone_hashes_the_same() -> None:
    paris = CONTENT.occurred_at.astimezone(timezone(timedelta(hours=1)))
    assert event_hash(replace(CONTENT, occurred_at=paris), GENESIS_HASH) == event_hash(
        CONTENT, GENESIS_HASH)


@pytest.mark.parametrize("change", [
    {"viewer_name": "Someone Else"}, {"sections": "allergies"}, {"sequence": 2},
    {"emergency": True}, {"occurred_at": datetime(2026, 3, 1, 9, 30, tzinfo=UTC)},
])
def test_any_change_to_an_event_changes_its_hash(change: dict[str, object]) -> None:
    assert event_hash(replace(CONTENT, **change), GENESIS_HASH) != event_hash(
        CONTENT, GENESIS_HASH)


def test_the_previous_hash_is_part_of_the_hash() -> None:
    assert event_hash(CONTENT, "a" * 64) != event_hash(CONTENT, GENESIS_HASH)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        event_hash(replace(CONTENT, occurred_at=datetime(2026, 3, 1)), GENESIS_HASH)


async def test_stored_events_hash_to_what_a_recomputation_gives(db: None) -> None:
    patient = await make_patient()
    nurse = await make_professional("nurse")
    await seed(patient.id, nurse.account_id, 3, basis=Basis.GRANT)
    events = await chain_of(patient.id)
    assert [e.sequence for e in events] == [1, 2, 3]
    previous = GENESIS_HASH
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == event_hash(EventContent.of(event), previous)
        previous = event.hash
    assert events[0].viewer_profession == "nurse"
    assert events[0].viewer_professional_id == nurse.id
