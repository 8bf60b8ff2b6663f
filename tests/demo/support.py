"""The demo people in the database, for the tests of each domain's part of the demo."""

from __future__ import annotations

from api.demo import PATIENTS, load_demo
from api.identity.models import Account, Patient


async def demo_people() -> dict[str, tuple[Patient, int]]:
    """Create the demo people; each first name with its record and its keeper's account id
    (the patient's own, or the parent's for a child)."""
    await load_demo()
    people = {}
    for person in PATIENTS:
        keeper = await Account.get(email=person.guardian_email or person.email)
        people[person.first_names.split()[0]] = (await Patient.get(ins_nir=person.nir),
                                                 keeper.id)
    return people
