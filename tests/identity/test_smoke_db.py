from api.identity.models import Patient
from tests.factories import make_patient


async def test_a_patient_is_stored_and_read_back(db):
    patient = await make_patient(first_names="Zoé")
    assert (await Patient.get(id=patient.id)).first_names == "Zoé"


async def test_each_test_starts_with_an_empty_database(db):
    assert await Patient.all().count() == 0
