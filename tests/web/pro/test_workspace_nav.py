"""The workspace navigation offers emergency access on every workspace page to emergency
professions, and to nobody else."""

from __future__ import annotations

import httpx
import pytest

from api.identity.models import Account
from api.settings import Settings
from tests.factories import make_professional, sign_in

PAGES = ["/pro", "/pro/deposit", "/pro/messages"]


@pytest.mark.parametrize(("profession", "offered"), [
    ("emergency_physician", True), ("samu_regulator", True),
    ("physician", False), ("nurse", False),
])
async def test_emergency_access_is_offered_where_the_profession_may_use_it(
        db: None, settings: Settings, profession: str, offered: bool):
    from web.app import create_app

    professional = await make_professional(profession)
    account = await Account.get(id=professional.account_id)
    transport = httpx.ASGITransport(app=create_app(settings, manage_database=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        await sign_in(http, account, settings.secret_key)
        for page in PAGES:
            response = await http.get(page)
            assert response.status_code == 200, (page, response.status_code)
            assert ('href="/pro/emergency"' in response.text) is offered, page
