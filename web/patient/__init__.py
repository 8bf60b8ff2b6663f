"""The patient's pages: their record (and their children's) and its sharing."""

from __future__ import annotations

from starlette.routing import Route

from web.patient import frame, overview

routes = [
    Route("/patient", frame.my_record, methods=["GET"]),
    Route("/records/{patient_id:int}", overview.overview, methods=["GET"]),
]
