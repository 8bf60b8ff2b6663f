"""The demo app: one approved public app, connected to Camille's record. Idempotent."""

from __future__ import annotations

from api import clock
from api.identity.demo import CAMILLE
from api.identity.models import Patient
from api.oauth import services
from api.oauth.models import AppConnection, OAuthApp

DEMO_CLIENT_ID = "demo-pollen-diary"
DEMO_REDIRECT_URI = "http://localhost:8765/callback"
DEMO_SCOPES = "allergies.read treatments.read measurements.read measurements.write"


async def load() -> None:
    app = await OAuthApp.get_or_none(client_id=DEMO_CLIENT_ID)
    if app is None:
        app, _ = await services.register_app(
            name="Pollen Diary", publisher="Pollen Labs (demo)",
            redirect_uris=[DEMO_REDIRECT_URI], scopes=DEMO_SCOPES, confidential=False,
            client_id=DEMO_CLIENT_ID)
        await services.approve_app(DEMO_CLIENT_ID)
    camille = await Patient.get_or_none(ins_nir=CAMILLE)
    if camille is None or camille.account_id is None:
        return
    if not await AppConnection.exists(app_id=app.id, account_id=camille.account_id):
        await AppConnection.create(app_id=app.id, account_id=camille.account_id,
                                   patient_id=camille.id, scopes="allergies.read",
                                   created_at=clock.now())
