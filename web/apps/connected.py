"""Connected apps: what each app may do, when it last acted, and a button that ends it."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.oauth import services
from web.apps.words import scope_words
from web.forms import form_handler, see_other
from web.guards import signed_in
from web.patient.consent_words import Words
from web.templating import language_of, render


@signed_in()
async def connected_page(request: Request) -> Response:
    language = language_of(request)
    apps = await services.connected_apps(request.state.viewer)
    return render(request, "apps/connected.html", {
        "apps": [(app, scope_words(language, app.scopes)) for app in apps],
        "words": Words(language),
        "notice": request.query_params.get("notice"),
    })


@signed_in()
@form_handler
async def disconnect(request: Request, form: FormData) -> Response:
    connection_id = request.path_params["connection_id"]
    if not await services.disconnect(request.state.viewer, connection_id):
        return render(request, "error.html", {"status": 404}, status_code=404)
    return see_other("/apps/connected?notice=disconnected")


routes = [
    Route("/apps/connected", connected_page, methods=["GET"]),
    Route("/apps/connected/{connection_id:int}/disconnect", disconnect, methods=["POST"]),
]
