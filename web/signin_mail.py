"""The codes sign-in e-mails (to sign in, or to enrol a first authenticator), and the page
shown when the mail server refuses one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.identity import signin
from api.identity.models import Account, Session
from api.mail.sender import MailError, send_mail
from api.texts import request_language
from web.i18n import translations
from web.messages import message
from web.templating import language_of, render


async def send_email_code(request: Request, account: Account, session: Session) -> None:
    """A new code for this half-open session, e-mailed in the language of the pages
    (api.texts: the choice on this device, else the account's, else the browser's).

    MailError when the mail server refused it (the send is then not counted).
    """
    settings = request.app.state.settings
    issued = await signin.issue_email_code(settings.secret_key, session, account)
    gettext = translations(request_language(request, account.language)).gettext
    if signin.needs_totp_enrolment(account):
        subject = gettext("Your code to add an authenticator app to Carnet")
        body = gettext("Your code to add an authenticator app to your Carnet account is "
                       "{code}. It is valid for 10 minutes. If you did not try to sign in, "
                       "change your password now: someone knows it.").format(code=issued.code)
    else:
        subject = gettext("Your Carnet sign-in code")
        body = gettext("Your Carnet sign-in code is {code}. It is valid for 10 minutes. "
                       "If you did not try to sign in, change your password.").format(
                           code=issued.code)
    assert account.email is not None
    try:
        await send_mail(settings, account.email, subject, body)
    except MailError:
        await signin.email_code_not_sent(issued)
        raise


def mail_failed_page(request: Request, account: Account, next_url: str) -> Response:
    """503: the code could not be e-mailed; the half-open session stays for a new try."""
    gettext = translations(language_of(request)).gettext
    context = {"error": message(gettext, "mail_failed"), "next": next_url, "enrol": False,
               "uses_totp": False, "email": account.email, "mail_failed": True}
    response = render(request, "signin_code.html", context, status_code=503)
    response.headers["Retry-After"] = str(signin.BUSY_RETRY_SECONDS)
    return response
