"""The patient's pages: their record (and their children's) and its sharing."""

from __future__ import annotations

from web.patient import (
    access_history,
    agenda,
    directives,
    documents,
    entries,
    fhir_import,
    measurements,
    messages,
    overview,
    sharing,
    sharing_find,
    sharing_grant,
    summary,
)

routes = [
    *overview.routes, *sharing.routes, *sharing_find.routes, *sharing_grant.routes,
    *access_history.routes,
    *entries.routes,
    *measurements.routes, *directives.routes, *summary.routes, *agenda.routes,
    *documents.routes, *fhir_import.routes,
    *messages.routes,
]
