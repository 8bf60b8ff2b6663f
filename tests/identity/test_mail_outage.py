"""Signing in while the mail server is down: a clear 503, and nothing lost."""

from __future__ import annotations

import dataclasses
import re
import socket

import pytest

from api.mail.models import OutboxMail
from tests.factories import PASSWORD, csrf_from, make_patient
from web.i18n import LANGUAGE_COOKIE


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe closes


@pytest.fixture
def mail_down(app, settings):
    """Mail goes over SMTP to a port where no server listens: every send fails."""
    app.state.settings = dataclasses.replace(settings, mail_backend="smtp",
                                             smtp_host="127.0.0.1", smtp_port=_closed_port(),
                                             smtp_starttls=False)
    yield
    app.state.settings = settings


async def _sign_in(client, language="fr"):
    client.cookies.set(LANGUAGE_COOKIE, language)
    token = csrf_from((await client.get("/signin")).text)
    response = await client.post(
        "/signin",
        data={"csrf_token": token, "email": "alice@test.invalid", "password": PASSWORD,
              "next": "/account"})
    return token, response


@pytest.mark.parametrize(("language", "says"), [
    ("fr", "n’a pas pu être envoyé"), ("en", "could not be sent")])
async def test_a_code_that_cannot_be_mailed_is_a_clear_503(client, db, mail_down, language,
                                                           says):
    await make_patient(email="alice@test.invalid")
    _, response = await _sign_in(client, language)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert says in response.text.replace("&#39;", "’").replace("'", "’")
    assert 'action="/signin/code/resend"' in response.text  # the way to try again is there
    assert "We sent" not in response.text and "Nous avons envoyé" not in response.text


async def test_once_mail_is_back_the_same_sign_in_goes_on(client, app, settings, db):
    await make_patient(email="alice@test.invalid")
    working = app.state.settings
    app.state.settings = dataclasses.replace(settings, mail_backend="smtp",
                                             smtp_host="127.0.0.1", smtp_port=_closed_port(),
                                             smtp_starttls=False)
    try:
        token, response = await _sign_in(client)
        assert response.status_code == 503
        again = await client.post("/signin/code/resend", data={"csrf_token": token})
        assert again.status_code == 503 and again.headers["Retry-After"]
    finally:
        app.state.settings = working
    # No password to type again: the half-open session asks for a code and gets one.
    sent = await client.post("/signin/code/resend", data={"csrf_token": token})
    assert sent.status_code == 303
    mail = await OutboxMail.filter(recipient="alice@test.invalid").order_by("-id").first()
    code = re.search(r"\b(\d{6})\b", mail.body).group(1)
    done = await client.post("/signin/code", data={"csrf_token": token, "code": code,
                                                   "next": "/account"})
    assert done.status_code == 303 and done.headers["location"] == "/account"
