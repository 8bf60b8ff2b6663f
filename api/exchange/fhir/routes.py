"""`GET /patients/{patient_id}/fhir`: the whole record as a FHIR bundle, downloaded.

For the signed-in patient or parent (a cookie), or an app holding ``fhir.export`` (a bearer
token); the policy decides (``may_export_record``), and any refusal answers 404 like a
record that does not exist, so a professional or a stranger learns nothing. The export is
written to the access history before the first byte leaves.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from api import clock
from api.graphql.common import is_number_text
from api.identity.models import Patient
from api.identity.viewer import viewer_from_request
from api.oauth.bearer import bearer_token, invalid_token_response, viewer_for_token
from api.records.documents.storage import storage_for
from api.settings import Settings

from .export import CONTENT_TYPE, export_bundle, export_decision, record_export


def export_filename(patient: Patient) -> str:
    """« carnet-martin-2026-03-14.fhir.json »: whose record, and the day of the export."""
    name = "".join(c for c in (patient.used_name or patient.birth_name).lower()
                   if c.isascii() and c.isalnum()) or "record"
    return f"carnet-{name}-{clock.today().isoformat()}.fhir.json"


async def export(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        viewer = await viewer_from_request(request, settings.secret_key)
    elif (viewer := await viewer_for_token(token)) is None:
        return invalid_token_response()
    raw_id = request.path_params["patient_id"]
    if viewer is None or not is_number_text(raw_id):
        raise HTTPException(404)
    patient = await Patient.filter(id=int(raw_id)).first()
    if patient is None:
        raise HTTPException(404)
    decision, reader = await export_decision(viewer, patient)
    if not decision.allowed:
        raise HTTPException(404)  # forbidden or unknown look the same
    await record_export(viewer, patient, decision, reader)
    return StreamingResponse(
        export_bundle(patient, reader, storage_for(settings)),
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(patient)}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


routes: list[BaseRoute] = [Route("/patients/{patient_id}/fhir", export, methods=["GET"])]
