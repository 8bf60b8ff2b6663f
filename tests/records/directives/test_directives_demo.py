"""The demo directives: the adults' own, valid as the form would take them; none for a child."""

from api.records.directives import demo
from api.records.directives.models import Directives, OrganDonation
from api.records.directives.services import is_email, normalise_phone
from tests.demo.support import demo_people


async def test_each_adult_has_their_own_trusted_person_once(db):
    people = await demo_people()
    for name in ("Camille", "Jean", "Paule"):
        patient, keeper = people[name]
        assert await demo.load(patient, keeper)
        assert not await demo.load(patient, keeper)
    rows = {name: await Directives.get(patient_id=people[name][0].id)
            for name in ("Camille", "Jean", "Paule")}
    assert len({row.trusted_person_name for row in rows.values()}) == 3
    for row in rows.values():
        assert normalise_phone(row.trusted_person_phone) == row.trusted_person_phone
        assert is_email(row.trusted_person_email)
        assert row.organ_donation != OrganDonation.NOT_STATED
        assert row.last_confirmed_at is not None
    assert not rows["Camille"].advance_directives  # at 31, no written wishes
    assert "acharnement" in rows["Jean"].advance_directives
    assert rows["Paule"].organ_donation_limits


async def test_a_child_gets_no_directives(db):
    patient, mother = (await demo_people())["Léo"]
    assert not await demo.load(patient, mother)
    assert not await Directives.exists(patient_id=patient.id)
