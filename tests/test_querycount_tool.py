from api.identity.models import Patient
from tests.factories import make_patient
from tests.querycount import count_queries


async def test_the_counter_sees_each_select(db):
    await make_patient()
    with count_queries() as log:
        await Patient.all()
        await Patient.filter(first_names="Alice").count()
    assert log.count == 2
