"""The welcome page, each role's landing page, and the language switch."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity.viewer import viewer_from_request
from api.security.headers import cookie_header
from api.security.redirects import same_site_path
from web.auth import home_for
from web.forms import form_handler, see_other, text
from web.i18n import LANGUAGE_COOKIE, LANGUAGES
from web.templating import render


async def welcome(request: Request) -> Response:
    viewer = await viewer_from_request(request, request.app.state.settings.secret_key)
    if viewer is not None:
        return see_other(home_for(viewer.account))
    return render(request, "welcome.html")


@form_handler
async def switch_language(request: Request, form: FormData) -> Response:
    language = text(form, "lang", 5)
    response = see_other(same_site_path(text(form, "next")))
    if language in LANGUAGES:
        cookie = cookie_header(LANGUAGE_COOKIE, language,
                               production=request.app.state.settings.production,
                               max_age=365 * 24 * 3600)
        response.headers.append("set-cookie", cookie.decode())
    return response


routes = [
    Route("/", welcome, methods=["GET"]),
    Route("/lang", switch_language, methods=["POST"]),
]
