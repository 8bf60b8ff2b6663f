"""The account page: password, second factor, e-mail alerts, active sessions."""

from __future__ import annotations

from datetime import UTC

from babel.lists import format_list
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.consent.models import NotificationKind
from api.dates import long_date
from api.identity import accounts, second_factor, sessions
from api.identity.models import AccountStatus, Role
from api.identity.passwords import PasswordPolicyError
from api.ids import id_or_none
from api.lifecycle.services import ARCHIVE_YEARS, LifecycleError, archive_ends, sole_guardian_of
from api.lifecycle.services import close_account as close_the_account
from api.lifecycle.services import delete_account as delete_the_account
from api.lifecycle.services import reopen_account as reopen_the_account
from api.notify.preferences import kinds_for_role, mail_kinds, set_mail_kinds
from web.devices import device_name, last_used
from web.forms import form_handler, see_other, text
from web.guards import signed_in
from web.i18n import translations
from web.messages import N_, message
from web.templating import language_of, render

# What each e-mail alert is about, as the account page offers it.
ALERT_LABELS: dict[NotificationKind, str] = {
    NotificationKind.DOCUMENT_DEPOSITED: N_("A professional deposits a document"),
    NotificationKind.EMERGENCY_ACCESS: N_("Someone opens emergency access"),
    NotificationKind.HELD_BACK_DOCUMENT: N_("A document waits to be gone through at an "
                                            "appointment"),
    NotificationKind.HELD_BACK_RELEASED: N_("A document that was kept back becomes visible"),
    NotificationKind.NEW_MESSAGE: N_("A new message"),
    NotificationKind.GRANT_ENDING: N_("An access you gave ends within 7 days"),
    NotificationKind.APP_CONNECTED: N_("An app is connected to a record"),
}


async def _page(request: Request, errors: dict[str, str] | None = None,
                status_code: int = 200, enrol: bool = False) -> Response:
    viewer = request.state.viewer
    account = viewer.account
    language = language_of(request)
    context: dict[str, object] = {
        "account": account,
        "sessions": [
            {"id": session.id, "device": device_name(session.user_agent, language),
             "when": last_used(session.last_seen_at, language),
             "iso": session.last_seen_at.astimezone(UTC).isoformat()}
            for session in await sessions.active_sessions(account.id)],
        "current_session_id": viewer.session.id if viewer.session else None,
        "errors": errors or {},
        "notice": request.query_params.get("notice"),
        "enrol": enrol,
        "alerts": [(kind.value, ALERT_LABELS[kind]) for kind in kinds_for_role(account.role)],
        "alerts_chosen": {kind.value for kind in await mail_kinds(account.id)},
        "archive_years": ARCHIVE_YEARS,
        "confirm_word": translations(language).gettext(CONFIRM_WORD),
        # Children's records only this account manages: it cannot be deleted meanwhile.
        "sole_guardian_of": format_list(
            [child.display_name for child in await sole_guardian_of(account.id)],
            locale=language) if account.role is Role.PATIENT else "",
    }
    if enrol:
        secret = await accounts.begin_totp_enrolment(account)
        context["secret"] = secret
        context["qr"] = second_factor.qr_svg(
            second_factor.provisioning_uri(secret, account.email or "carnet")
        )
    return render(request, "account.html", context, status_code=status_code)


@signed_in()
async def account_page(request: Request) -> Response:
    return await _page(request, enrol=request.query_params.get("enrol") == "totp")


@signed_in()
@form_handler
async def change_password(request: Request, form: FormData) -> Response:
    translate = translations(language_of(request)).gettext
    new, confirm = str(form.get("new_password") or ""), str(form.get("new_password_confirm") or "")
    errors: dict[str, str] = {}
    status_code, retry_after = 400, None
    if new != confirm:
        errors["new_password_confirm"] = message(translate, "password_mismatch")
    else:
        try:
            await accounts.change_password(
                request.app.state.settings.secret_key, request.state.viewer.account,
                str(form.get("current_password") or ""), new,
            )
            # Other devices lose their sessions when the password changes.
            await sessions.revoke_all(request.state.viewer.account.id,
                                      except_session_id=request.state.viewer.session.id)
            return see_other("/account?notice=password_changed")
        except PasswordPolicyError as error:
            errors["new_password"] = message(translate, error.code)
        except accounts.AccountError as error:
            errors["current_password"] = message(translate, error.code,
                                                 seconds=error.retry_after)
            retry_after = error.retry_after
            if retry_after:
                status_code = 429 if error.code == "throttled" else 503
    response = await _page(request, errors, status_code=status_code)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@signed_in()
@form_handler
async def confirm_totp(request: Request, form: FormData) -> Response:
    try:
        await accounts.confirm_totp_enrolment(request.state.viewer.account, text(form, "code", 20))
    except accounts.AccountError as error:
        translate = translations(language_of(request)).gettext
        return await _page(request, {"code": message(translate, error.code)}, 400, enrol=True)
    return see_other("/account?notice=totp_enabled")


@signed_in()
@form_handler
async def use_email_codes(request: Request, form: FormData) -> Response:
    try:
        await accounts.use_email_codes(request.state.viewer.account)
    except accounts.AccountError as error:
        translate = translations(language_of(request)).gettext
        return await _page(request, {"second_factor": message(translate, error.code)}, 400)
    return see_other("/account?notice=email_codes")


@signed_in()
@form_handler
async def save_alerts(request: Request, form: FormData) -> Response:
    """The e-mail alerts ticked; a kind this account cannot receive is refused."""
    account = request.state.viewer.account
    offered = {kind.value: kind for kind in kinds_for_role(account.role)}
    ticked = [str(value) for value in form.getlist("kinds")][:20]
    if any(value not in offered for value in ticked):
        translate = translations(language_of(request)).gettext
        return await _page(request, {"kinds": translate(UNKNOWN_ALERT)}, 400)
    await set_mail_kinds(account, [offered[value] for value in ticked])
    return see_other("/account?notice=alerts_saved#alerts")


UNKNOWN_ALERT = N_("One of the alerts chosen does not exist for this account. Choose among "
                   "the ones listed.")


@signed_in()
@form_handler
async def revoke_session(request: Request, form: FormData) -> Response:
    session_id = id_or_none(text(form, "session_id", 12))
    if session_id is not None:
        await sessions.revoke(session_id, request.state.viewer.account.id)
    return see_other("/account?notice=session_revoked#sessions")


@signed_in()
@form_handler
async def signout_everywhere(request: Request, form: FormData) -> Response:
    await sessions.revoke_all(request.state.viewer.account.id)
    return see_other("/signin?notice=signed_out_everywhere")


# The word typed to confirm a deletion, in the page's language.
CONFIRM_WORD = N_("DELETE")
NOT_PATIENT = N_("Only a patient's account can be closed or deleted here.")
SOLE_GUARDIAN = N_("Your account cannot be deleted while you are the only parent managing a "
                   "child's record: the record would be left with nobody. Ask Carnet's support "
                   "to add another parent first.")
WRONG_WORD = N_("Type the word %(word)s, in capitals, to confirm the deletion.")
ARCHIVE_ENDED = N_("This account was closed more than %(years)s years ago: it can no longer "
                   "be reopened, and its archive is being deleted.")


@signed_in(Role.PATIENT)
@form_handler
async def close_account(request: Request, form: FormData) -> Response:
    """Close the account: the record is archived; this device is signed out with the rest."""
    try:
        await close_the_account(request.app.state.settings, request.state.viewer.account)
    except LifecycleError:
        return see_other("/account/closed")
    return see_other("/signin?notice=account_closed")


@signed_in(Role.PATIENT)
async def closed_page(request: Request) -> Response:
    account = request.state.viewer.account
    if account.status is not AccountStatus.CLOSED:
        return see_other("/account")
    ends = (long_date(archive_ends(account.closed_at).date(), language_of(request))
            if account.closed_at else None)
    return render(request, "account_closed.html",
                  {"account": account, "ends": ends, "errors": {}, "archive_years": ARCHIVE_YEARS})


@signed_in(Role.PATIENT)
@form_handler
async def reopen_account(request: Request, form: FormData) -> Response:
    account = request.state.viewer.account
    try:
        await reopen_the_account(request.app.state.settings, account)
    except LifecycleError as error:
        if error.code == "archive_ended":
            translate = translations(language_of(request)).gettext
            return render(request, "account_closed.html", {
                "account": account, "ends": None, "archive_years": ARCHIVE_YEARS,
                "errors": {"reopen": translate(ARCHIVE_ENDED) % {"years": ARCHIVE_YEARS}}},
                status_code=409)
        return see_other("/account")
    return see_other("/account?notice=account_reopened")


@signed_in(Role.PATIENT)
@form_handler
async def delete_account(request: Request, form: FormData) -> Response:
    """Delete the account and the record now: the confirmation word and the password."""
    account = request.state.viewer.account
    translate = translations(language_of(request)).gettext
    errors: dict[str, str] = {}
    word = translate(CONFIRM_WORD)
    if text(form, "confirm_word", 40).strip() != word:
        errors["confirm_word"] = translate(WRONG_WORD) % {"word": word}
    retry_after = None
    try:
        await accounts.check_current_password(request.app.state.settings.secret_key, account,
                                              str(form.get("delete_password") or ""))
    except accounts.AccountError as error:
        errors["delete_password"] = message(translate, error.code, seconds=error.retry_after)
        retry_after = error.retry_after
    if errors:
        response = await _page(request, errors, status_code=429 if retry_after else 400)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
    try:
        await delete_the_account(request.app.state.settings, account)
    except LifecycleError as error:
        problem = SOLE_GUARDIAN if error.code == "sole_guardian" else NOT_PATIENT
        return await _page(request, {"confirm_word": translate(problem)}, 409)
    return see_other("/signin?notice=account_deleted")


routes = [
    Route("/account/close", close_account, methods=["POST"]),
    Route("/account/closed", closed_page, methods=["GET"]),
    Route("/account/reopen", reopen_account, methods=["POST"]),
    Route("/account/delete", delete_account, methods=["POST"]),
    Route("/account", account_page, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/totp", confirm_totp, methods=["POST"]),
    Route("/account/email-codes", use_email_codes, methods=["POST"]),
    Route("/account/alerts", save_alerts, methods=["POST"]),
    Route("/account/sessions/revoke", revoke_session, methods=["POST"]),
    Route("/account/sessions/revoke-all", signout_everywhere, methods=["POST"]),
]
