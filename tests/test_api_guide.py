"""The examples of docs/api.md run as written."""

import re
from pathlib import Path

from api.identity.models import Account
from tests.factories import graphql, make_patient, sign_in

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```graphql\n(.*?)```", GUIDE, flags=re.S)


async def test_the_guide_has_examples():
    assert len(EXAMPLES) >= 2


async def test_every_example_of_the_guide_runs_without_error(client, settings):
    patient = await make_patient(email="guide@test.invalid")
    token = await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    for example in EXAMPLES:
        body = await graphql(client, token, example.replace('patientId: "1"',
                                                            f'patientId: "{patient.id}"'))
        assert "errors" not in body, (example, body)
    body = await graphql(client, token, EXAMPLES[0])
    assert body["data"]["me"]["patient"]["allergies"]["items"][0]["substance"] == "Pénicilline"
