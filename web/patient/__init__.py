"""The patient's pages: their record (and their children's) and its sharing."""

from __future__ import annotations

from starlette.routing import Route

from web.patient import (
    access_history,
    directives,
    documents,
    entries,
    fhir_import,
    frame,
    measurements,
    messages,
    overview,
    sharing,
    sharing_find,
    sharing_grant,
    summary,
)

routes = [
    Route("/patient", frame.my_record, methods=["GET"]),
    *overview.routes, *sharing.routes, *sharing_find.routes, *sharing_grant.routes,
    *access_history.routes,
    *entries.routes,
    *measurements.routes, *directives.routes, *summary.routes,
    *documents.routes, *fhir_import.routes,
    *messages.routes,
]
