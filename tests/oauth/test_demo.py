"""The demo app: approved, connected once by Camille however often the demo loads."""

from __future__ import annotations

from api.demo import load_demo
from api.oauth import demo, services
from api.oauth.models import AppConnection


async def test_the_demo_app_is_in_the_catalogue_and_loads_once(db):
    await load_demo()
    await demo.load()
    await demo.load()
    [app] = await services.catalogue()
    assert app.client_id == demo.DEMO_CLIENT_ID and app.client_secret_hash is None
    assert await AppConnection.filter(app_id=app.id).count() == 1


async def test_the_demo_app_skips_a_missing_camille(db):
    await demo.load()
    assert await AppConnection.all().count() == 0
