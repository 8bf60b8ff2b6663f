"""The consent screen: what an app asks for, for which record; the person decides.

GET shows the request (validated by the authorization server first); POST records the
person's choice (the ticked scopes, the record) and sends them back to the app with a code,
or with ``access_denied``. Works without JavaScript: a plain form and a redirect.
"""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity.models import Role
from api.ids import id_or_none
from api.oauth import services
from api.oauth.records import AppClient, Authorizer
from api.oauth.scopes import split_scopes
from api.oauth.server import AUTHORIZE_PATH, CarnetAuthorizationServer, oauth_request
from web.apps.words import scope_words
from web.forms import form_handler
from web.guards import signed_in
from web.templating import language_of, render

# The authorization request's own parameters, carried through the consent form.
REQUEST_FIELDS = ("response_type", "client_id", "redirect_uri", "state", "code_challenge",
                  "code_challenge_method")


def _server(request: Request) -> CarnetAuthorizationServer:
    server: CarnetAuthorizationServer = request.app.state.oauth_server
    return server


def _refused(request: Request, error: OAuth2Error) -> Response:
    """An error we may not send to the app (unknown app, wrong redirect URI): say it here."""
    return render(request, "apps/refused.html",
                  {"error": error.error, "description": error.description or ""},
                  status_code=400)


def _problem(request: Request, server: CarnetAuthorizationServer, oauth: object,
             error: OAuth2Error) -> Response:
    if getattr(error, "redirect_uri", None):
        return server.error_response(oauth, error)  # type: ignore[arg-type]
    return _refused(request, error)


@signed_in()
async def consent_page(request: Request) -> Response:
    server = _server(request)
    oauth = await oauth_request(request, server.production)
    try:
        grant = await server.consent_grant(oauth)
    except OAuth2Error as error:
        return _problem(request, server, oauth, error)
    client: AppClient = grant.request.client
    viewer = request.state.viewer
    records = await services.records_for(viewer)
    professional = viewer.account.role is Role.PROFESSIONAL
    if not professional and not records:
        return render(request, "apps/refused.html", {"error": "no_record", "description": ""},
                      status_code=403)
    asked = split_scopes(grant.request.scope)
    return render(request, "apps/consent.html", {
        "app": client.app,
        "scopes": scope_words(language_of(request), asked),
        "records": records,
        "professional": professional,
        "fields": {name: oauth.payload.data.get(name, "") for name in REQUEST_FIELDS},
    })


@signed_in()
@form_handler
async def consent_answer(request: Request, form: FormData) -> Response:
    server = _server(request)
    viewer = request.state.viewer
    ticked = [value for value in form.getlist("scope") if isinstance(value, str)]
    allowed = form.get("decision") == "allow" and bool(ticked)
    pairs = [(name, str(form.get(name))) for name in REQUEST_FIELDS if form.get(name)]
    # The scope sent on is what the person ticked; when refusing, nothing at all.
    pairs.append(("scope", " ".join(ticked) if allowed else ""))
    oauth = await oauth_request(request, server.production, form=pairs)
    try:
        grant = await server.consent_grant(oauth)
    except OAuth2Error as error:
        return _problem(request, server, oauth, error)
    if not allowed:
        return await server.authorization_response(oauth, None)
    client: AppClient = grant.request.client
    record = form.get("record")
    patient_id = id_or_none(record)
    try:
        connection = await services.connect(viewer, client.app, patient_id,
                                            split_scopes(grant.request.scope))
    except (services.AppError, ValueError):
        return render(request, "apps/refused.html", {"error": "no_record", "description": ""},
                      status_code=400)
    return await server.authorization_response(
        oauth, Authorizer(viewer.account_id, connection.id))


routes = [
    Route(AUTHORIZE_PATH, consent_page, methods=["GET"]),
    Route(AUTHORIZE_PATH, consent_answer, methods=["POST"]),
]
