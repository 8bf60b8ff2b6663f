"""The home page `/`, the patient's home `/patient`, and the language switch.

`/` and `/patient` answer with the page itself, never a redirect: on a slow mobile line each
redirect costs a round trip (400 ms on "3G slow"). A visitor gets the welcome page, a patient
the overview of their own record (or of the first record they manage), a professional their
patients (/pro).
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity import accounts
from api.identity.models import Role
from api.identity.viewer import viewer_from_request
from api.security.headers import cookie_header
from api.security.redirects import same_site_path
from web.forms import form_handler, see_other, text
from web.guards import signed_in
from web.i18n import LANGUAGE_COOKIE, LANGUAGES
from web.patient.frame import home_record
from web.patient.overview import overview
from web.pro.workspace import my_patients
from web.templating import render


@signed_in(Role.PATIENT)
async def patient_home(request: Request) -> Response:
    record_id, me = await home_record(request)
    if record_id is None:
        return render(request, "patient_home.html", {"me": me})
    request.scope["path_params"] = {"patient_id": int(record_id)}
    return await overview(request)


async def welcome(request: Request) -> Response:
    viewer = await viewer_from_request(request, request.app.state.settings.secret_key)
    if viewer is None:
        return render(request, "welcome.html")
    if viewer.account.role is Role.PROFESSIONAL:
        return await my_patients(request)
    return await patient_home(request)


@form_handler
async def switch_language(request: Request, form: FormData) -> Response:
    language = text(form, "lang", 5)
    response = see_other(same_site_path(text(form, "next")))
    if language in LANGUAGES:
        viewer = await viewer_from_request(request, request.app.state.settings.secret_key)
        if viewer is not None and viewer.app is None:
            await accounts.choose_language(viewer.account, language)
        cookie = cookie_header(LANGUAGE_COOKIE, language,
                               production=request.app.state.settings.production,
                               max_age=365 * 24 * 3600)
        response.headers.append("set-cookie", cookie.decode())
    return response


routes = [
    Route("/", welcome, methods=["GET"]),
    Route("/patient", patient_home, methods=["GET"]),
    Route("/lang", switch_language, methods=["POST"]),
]
