from datetime import date

from api.identity.models import Role
from api.records.directives import demo
from api.records.directives.models import Directives
from api.records.directives.services import is_email, normalise_phone
from tests.factories import make_account, make_patient


async def test_an_adult_gets_directives_with_a_trusted_person_once(db):
    adult = await make_patient(birth_date=date(1970, 5, 1))
    await demo.load(adult, adult.account_id)
    await demo.load(adult, adult.account_id)
    [row] = await Directives.filter(patient_id=adult.id)
    assert row.advance_directives and row.trusted_person_name
    assert normalise_phone(row.trusted_person_phone) == row.trusted_person_phone
    assert is_email(row.trusted_person_email)
    assert row.organ_donation != "not_stated"
    assert row.last_confirmed_at is not None


async def test_a_child_gets_no_directives(db):
    child = await make_patient(account=False, birth_date=date(2016, 1, 1))
    parent = await make_account(Role.PATIENT)
    await demo.load(child, parent.id)
    assert not await Directives.exists(patient_id=child.id)
