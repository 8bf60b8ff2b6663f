"""Fixtures: a patient signed in on their own record, and a stranger."""

from __future__ import annotations

import httpx
import pytest

from api.identity.models import Account
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.records.documents.helpers import Signed


@pytest.fixture
async def owner(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    return Signed(client, csrf, account, patient)


@pytest.fixture
async def stranger(app, settings: Settings):  # type: ignore[no-untyped-def]
    """Another patient, signed in on a separate client."""
    patient = await make_patient(first_names="Paul", birth_name="INCONNU")
    account = await Account.get(id=patient.account_id)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        csrf = await sign_in(http, account, settings.secret_key)
        yield Signed(http, csrf, account, patient)
