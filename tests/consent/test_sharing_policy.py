"""``shared_records_filter`` (what lists filter in SQL) agrees with ``shares_record``, the
policy's decision on one record, on random facts; what a shared record says of the relation
reads the policy's decisions. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from api.consent import (
    Action,
    AppFacts,
    EmergencyFacts,
    GrantFacts,
    Profession,
    Rights,
    Section,
    ViewerFacts,
    shared_records_filter,
    shares_record,
)
from api.sharing.my_patients import emergency_until

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)
OFFSETS = st.sampled_from([timedelta(hours=h) for h in (-48, -1, 0, 1, 48)])
instants = OFFSETS.map(lambda offset: NOW + offset)
grants = st.builds(
    GrantFacts, sections=st.just(frozenset({Section.ALLERGIES})), write=st.booleans(),
    expires_at=instants, revoked_at=st.none() | instants)
emergencies = st.none() | st.builds(
    lambda opened: EmergencyFacts(opened, opened + timedelta(hours=4)), instants)
facts = st.builds(
    Rights, patient_id=st.just(1), now=st.just(NOW), is_owner=st.booleans(),
    representative_until=st.none() | instants, grants=st.lists(grants, max_size=3).map(tuple),
    is_treating_doctor=st.booleans(), is_blocked=st.booleans(), emergency=emergencies,
    emergency_opposed=st.booleans(),
    app=st.none() | st.just(AppFacts(frozenset())))
viewers = st.builds(ViewerFacts, account_id=st.just(7),
                    professional=st.none() | st.sampled_from(list(Profession)))


@given(viewer=viewers, rights=facts)
def test_the_list_filter_admits_exactly_the_records_the_policy_shares(
        viewer: ViewerFacts, rights: Rights) -> None:
    # The facts of a patient account never hold a professional's relations.
    if viewer.professional is None:
        rights = Rights(patient_id=1, now=NOW, is_owner=rights.is_owner,
                        representative_until=rights.representative_until, app=rights.app)
    admitted = shared_records_filter(viewer, NOW).admits(rights)
    assert admitted is shares_record(viewer, rights).allowed


def test_a_grant_is_live_until_it_expires_or_is_revoked() -> None:
    grant = GrantFacts(frozenset({Section.ALLERGIES}), False, NOW + timedelta(hours=1))
    assert grant.live_at(NOW) and not grant.live_at(NOW + timedelta(hours=1))
    revoked = GrantFacts(grant.sections, False, grant.expires_at, revoked_at=NOW)
    assert not revoked.live_at(NOW) and revoked.live_at(NOW - timedelta(seconds=1))


def test_the_end_of_an_emergency_access_shows_through_the_professionals_software() -> None:
    emergency = EmergencyFacts(NOW - timedelta(hours=1), NOW + timedelta(hours=3))
    physician = ViewerFacts(7, Profession.EMERGENCY_PHYSICIAN)
    alone = Rights(patient_id=1, now=NOW, emergency=emergency)
    every_read = AppFacts(frozenset((section, Action.READ) for section in Section))
    through_app = Rights(patient_id=1, now=NOW, emergency=emergency, app=every_read)
    assert emergency_until(physician, alone) == emergency.expires_at
    assert emergency_until(physician, through_app) == emergency.expires_at
