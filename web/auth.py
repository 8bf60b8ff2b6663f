"""Sign-in (password, then second factor), sign-out, activation and opposition pages."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.identity import accounts, invitations, second_factor, sessions, signin
from api.identity.ins import Ins, InsError, parse_ins
from api.identity.models import Account, Role, SecondFactor, Session, SessionStage
from api.identity.passwords import PasswordPolicyError
from api.identity.viewer import SESSION_COOKIE, session_from_request, viewer_from_request
from api.ids import is_number_text
from api.mail.sender import MailError
from api.security.headers import cookie_header
from api.security.redirects import same_site_path
from web.forms import form_handler, see_other, text
from web.i18n import translations
from web.messages import message
from web.signin_mail import mail_failed_page, send_email_code
from web.templating import language_of, render


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    production = request.app.state.settings.production
    cookie = cookie_header(SESSION_COOKIE, token, production=production, max_age=None)
    response.headers.append("set-cookie", cookie.decode())


def _clear_session_cookie(request: Request, response: Response) -> None:
    production = request.app.state.settings.production
    response.headers.append(
        "set-cookie", cookie_header(SESSION_COOKIE, "", production=production, max_age=0).decode()
    )


def _t(request: Request) -> object:
    return translations(language_of(request)).gettext


def home_for(account: Account) -> str:
    return "/pro" if account.role is Role.PROFESSIONAL else "/patient"


async def signin_page(request: Request) -> Response:
    viewer = await viewer_from_request(request, request.app.state.settings.secret_key)
    if viewer is not None:
        return see_other(home_for(viewer.account))
    notice = request.query_params.get("notice")
    next_url = same_site_path(request.query_params.get("next"), "")
    return render(request, "signin.html", {"notice": notice, "next": next_url})


@form_handler
async def signin_submit(request: Request, form: FormData) -> Response:
    settings = request.app.state.settings
    email, password = text(form, "email", 254), str(form.get("password") or "")
    next_url = same_site_path(text(form, "next"), "")
    try:
        account = await signin.check_password(
            settings.secret_key, email, password, request.client.host if request.client else ""
        )
    except signin.SignInError as error:
        status = {"throttled": 429, "busy": 503}.get(error.code, 400)
        response: Response = render(
            request, "signin.html",
            {"error": message(_t(request), error.code, seconds=error.retry_after),
             "email": email, "next": next_url},
            status_code=status,
        )
        if error.retry_after:
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    token, session = await sessions.start_session(
        settings.secret_key, account, SessionStage.SECOND_FACTOR,
        request.headers.get("user-agent", ""), request.client.host if request.client else "",
    )
    query = {"next": next_url} if next_url else {}
    page: Response | None = None
    if signin.sends_email_code(account):
        try:
            await send_email_code(request, account, session)
        except signin.SignInError as error:  # too many codes sent lately: say how long to wait
            query["wait"] = str(error.retry_after)
        except MailError:
            # The password step stands: the page asks to send the code again in a moment.
            page = mail_failed_page(request, account, next_url)
    if page is None:
        page = see_other("/signin/code" + (f"?{urlencode(query)}" if query else ""))
    _set_session_cookie(request, page, token)
    return page


async def _half_open_session(request: Request) -> Session | None:
    session = await session_from_request(request, request.app.state.settings.secret_key)
    if session is None or session.stage not in (SessionStage.SECOND_FACTOR,
                                                 SessionStage.ENROLMENT):
        return None
    return session


def _waiting_seconds(request: Request) -> int | None:
    raw = request.query_params.get("wait", "")
    return int(raw) if is_number_text(raw, limit=86400) and int(raw) > 0 else None


async def code_page(request: Request, error: str | None = None, status_code: int = 200,
                    retry_after: int | None = None, mail_failed: bool = False) -> Response:
    session = await _half_open_session(request)
    if session is None:
        return see_other("/signin?notice=session_expired")
    account = session.account
    waiting = _waiting_seconds(request)
    if error is None and waiting is not None:
        error = message(_t(request), "codes_throttled", seconds=waiting)
    context: dict[str, object] = {"error": error, "mail_failed": mail_failed,
                                  "next": same_site_path(request.query_params.get("next"), "")}
    if signin.needs_totp_enrolment(account) and session.stage is SessionStage.ENROLMENT:
        secret = await accounts.begin_totp_enrolment(account)
        uri = second_factor.provisioning_uri(secret, account.email or "carnet")
        context.update(enrol=True, secret=secret, qr=second_factor.qr_svg(uri))
    elif signin.needs_totp_enrolment(account):  # the e-mailed code comes first
        context.update(enrol=False, enrol_email=True, uses_totp=False, email=account.email)
    else:
        uses_totp = account.second_factor is SecondFactor.TOTP or account.role is Role.PROFESSIONAL
        context.update(enrol=False, uses_totp=uses_totp, email=account.email)
    response = render(request, "signin_code.html", context, status_code=status_code)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@form_handler
async def code_submit(request: Request, form: FormData) -> Response:
    settings = request.app.state.settings
    session = await _half_open_session(request)
    if session is None:
        return see_other("/signin?notice=session_expired")
    account = session.account
    code = text(form, "code", 20)
    try:
        if signin.needs_totp_enrolment(account) and session.stage is SessionStage.ENROLMENT:
            await signin.count_code_attempt(session)
            await accounts.confirm_totp_enrolment(account, code)
            await signin.enrolment_done(settings.secret_key, account)
        elif signin.needs_totp_enrolment(account):
            await signin.check_enrolment_code(settings.secret_key, session, code)
            next_url = same_site_path(text(form, "next"), "")
            return see_other("/signin/code" + (f"?{urlencode({'next': next_url})}"
                                               if next_url else ""))
        else:
            await signin.check_second_factor(settings.secret_key, session, code)
    except (signin.SignInError, accounts.AccountError) as error:
        if error.code == "too_many_codes":
            await sessions.revoke(session.id, account.id)
            return see_other("/signin?notice=too_many_codes")
        return await code_page(request, message(_t(request), error.code, seconds=error.retry_after),
                               status_code=429 if error.retry_after else 400,
                               retry_after=error.retry_after)
    # A new token for the full session: the half-open one cannot be reused (session fixation).
    await sessions.revoke(session.id, account.id)
    token, _ = await sessions.start_session(
        settings.secret_key, account, SessionStage.ACTIVE,
        request.headers.get("user-agent", ""), request.client.host if request.client else "",
    )
    response = see_other(same_site_path(text(form, "next"), home_for(account)))
    _set_session_cookie(request, response, token)
    return response


@form_handler
async def code_resend(request: Request, form: FormData) -> Response:
    session = await _half_open_session(request)
    if session is None:
        return see_other("/signin?notice=session_expired")
    if session.stage is SessionStage.ENROLMENT:  # no more e-mailed codes at this step
        return see_other("/signin/code")
    try:
        await send_email_code(request, session.account, session)
    except signin.SignInError as error:
        return await code_page(
            request, message(_t(request), error.code, seconds=error.retry_after),
            status_code=429, retry_after=error.retry_after,
        )
    except MailError:
        response = await code_page(request, message(_t(request), "mail_failed"),
                                   status_code=503, mail_failed=True)
        response.headers["Retry-After"] = str(signin.BUSY_RETRY_SECONDS)
        return response
    return see_other("/signin/code?sent=1")


@form_handler
async def signout(request: Request, form: FormData) -> Response:
    session = await session_from_request(request, request.app.state.settings.secret_key)
    if session is not None:
        await sessions.revoke(session.id, session.account_id)
    response = see_other("/signin?notice=signed_out")
    _clear_session_cookie(request, response)
    return response


def _refused(request: Request, template: str, values: dict[str, str], errors: dict[str, str],
             retry_after: int | None = None) -> Response:
    """The form again with its errors: 400, or 429 and Retry-After while throttled."""
    response = render(request, template, {"values": values, "errors": errors},
                      status_code=429 if retry_after else 400)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _ins_from_form(form: FormData) -> Ins:
    return parse_ins(text(form, "ins", 40))


async def activate_page(request: Request) -> Response:
    return render(request, "activate.html", {"values": {}, "errors": {}})


@form_handler
async def activate_submit(request: Request, form: FormData) -> Response:
    settings = request.app.state.settings
    values = {name: text(form, name, 254) for name in ("ins", "code", "email")}
    password, confirm = str(form.get("password") or ""), str(form.get("password_confirm") or "")
    errors: dict[str, str] = {}
    translate = _t(request)
    try:
        ins = _ins_from_form(form)
    except InsError as error:
        errors["ins"] = message(translate, error.code)
    if password != confirm:
        errors["password_confirm"] = message(translate, "password_mismatch")
    if not errors:
        try:
            await invitations.activate(settings.secret_key, ins, values["code"], values["email"],
                                       password)
            return see_other("/signin?notice=activated")
        except PasswordPolicyError as error:
            errors["password"] = message(translate, error.code)
        except invitations.InvitationError as error:
            field = {"email_invalid": "email", "email_taken": "email"}.get(error.code, "code")
            errors[field] = message(translate, error.code, seconds=error.retry_after)
            return _refused(request, "activate.html", values, errors, error.retry_after)
    return _refused(request, "activate.html", values, errors)


async def oppose_page(request: Request) -> Response:
    return render(request, "oppose.html", {"values": {}, "errors": {}})


@form_handler
async def oppose_submit(request: Request, form: FormData) -> Response:
    settings = request.app.state.settings
    values = {name: text(form, name, 40) for name in ("ins", "code")}
    errors: dict[str, str] = {}
    translate = _t(request)
    try:
        ins = _ins_from_form(form)
    except InsError as error:
        errors["ins"] = message(translate, error.code)
    if form.get("confirm") != "yes":
        errors["confirm"] = message(translate, "confirm_required")
    if not errors:
        try:
            await invitations.oppose(settings.secret_key, ins, values["code"])
            return render(request, "opposed.html")
        except invitations.InvitationError as error:
            errors["code"] = message(translate, error.code, seconds=error.retry_after)
            return _refused(request, "oppose.html", values, errors, error.retry_after)
    return _refused(request, "oppose.html", values, errors)


routes = [
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin_submit, methods=["POST"]),
    Route("/signin/code", code_page, methods=["GET"]),
    Route("/signin/code", code_submit, methods=["POST"]),
    Route("/signin/code/resend", code_resend, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
    Route("/activate", activate_page, methods=["GET"]),
    Route("/activate", activate_submit, methods=["POST"]),
    Route("/oppose", oppose_page, methods=["GET"]),
    Route("/oppose", oppose_submit, methods=["POST"]),
]
