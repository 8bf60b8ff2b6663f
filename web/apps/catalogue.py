"""The catalogue: the apps the operator approved, the only ones a person can connect."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity.viewer import viewer_from_request
from api.oauth import services
from api.oauth.scopes import split_scopes
from web.apps.words import scope_words
from web.templating import language_of, render


async def catalogue_page(request: Request) -> Response:
    request.state.viewer = await viewer_from_request(request,
                                                     request.app.state.settings.secret_key)
    language = language_of(request)
    apps = await services.catalogue()
    return render(request, "apps/catalogue.html", {
        "apps": [(app, scope_words(language, split_scopes(app.scopes))) for app in apps],
    })


routes = [Route("/apps", catalogue_page, methods=["GET"])]
