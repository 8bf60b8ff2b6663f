"""Fixtures: a patient signed in on their own record."""

from __future__ import annotations

import httpx
import pytest

from api.identity.models import Account
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed


@pytest.fixture
async def owner(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    return Signed(client, csrf, account, patient)
