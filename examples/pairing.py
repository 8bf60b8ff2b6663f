"""Pairing an app with a running Carnet: OAuth 2 authorization code with PKCE (S256).

Two ways to get the person's consent, both through Carnet's real pages:

- in a browser (the default): print and open the authorize URL, and wait on the app's
  loopback redirect URI (RFC 8252) for the code Carnet sends back;
- with ``--username``/``--password``/``--code`` (automated runs, tests): sign in through
  the same HTML forms a person fills in, then answer the consent screen as they would
  (every scope ticked). No back door: the server cannot tell it from a person.

Plain Python with httpx; shared by the examples next to this file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import re
import secrets
import sys
import threading
import webbrowser
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormReader(HTMLParser):
    """The forms of a page: hidden fields, ticked boxes and radios, submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", "")))
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") in ("hidden", "checkbox", "radio"):
            if a["type"] == "hidden" or "checked" in a:
                self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "button":
            self.forms[-1].buttons.append((a["name"], a.get("value", "")))


def form_on(page: httpx.Response, action: str) -> Form:
    reader = _FormReader()
    reader.feed(page.text)
    for form in reader.forms:
        if form.action == action:
            return form
    raise PairingError(f"no form posting to {action} on {page.url} (status {page.status_code})")


class PairingError(RuntimeError):
    pass


def form_data(*pairs: tuple[str, str]) -> dict[str, list[str]]:
    """Form fields as httpx takes them (a name may repeat: every ticked scope)."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


@dataclass(frozen=True)
class AppSettings:
    base_url: str
    client_id: str
    redirect_uri: str
    scopes: str


def add_pairing_arguments(parser: argparse.ArgumentParser, *, client_id: str,
                          redirect_uri: str, scopes: str) -> None:
    parser.add_argument("--base-url", required=True, help="Carnet's address")
    parser.add_argument("--client-id", default=client_id)
    parser.add_argument("--redirect-uri", default=redirect_uri,
                        help="a loopback URI registered for the app")
    parser.add_argument("--scopes", default=scopes)
    parser.add_argument("--username", help="test mode: the e-mail address to sign in with")
    parser.add_argument("--password", help="test mode: the password")
    parser.add_argument("--code", help="test mode: the one-time code (TOTP), or 'outbox' to "
                        "read the e-mailed code from a development server's outbox")


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize_url(app: AppSettings, challenge: str, state: str) -> str:
    query = urlencode({"response_type": "code", "client_id": app.client_id,
                       "redirect_uri": app.redirect_uri, "scope": app.scopes, "state": state,
                       "code_challenge": challenge, "code_challenge_method": "S256"})
    return f"{app.base_url}/oauth/authorize?{query}"


def _code_from_outbox(http: httpx.Client, email: str) -> str:
    """The newest sign-in code e-mailed to ``email`` (development servers only)."""
    page = http.get("/dev/outbox")
    for article in page.text.split("<article")[1:]:
        if email in article:
            found = re.search(r'class="body">[^<]*?\b(\d{6})\b', article)
            if found:
                return found.group(1)
    raise PairingError("no sign-in code in the outbox (is it a development server?)")


def _sign_in(http: httpx.Client, email: str, password: str, code: str) -> None:
    page = http.get("/signin")
    form = form_on(page, "/signin")
    answer = http.post("/signin", data=form_data(*form.fields, ("email", email),
                                                  ("password", password)))
    if answer.status_code != 303 or "/signin/code" not in answer.headers.get("location", ""):
        raise PairingError("the e-mail address or the password was refused")
    page = http.get(answer.headers["location"])
    one_time = _code_from_outbox(http, email) if code == "outbox" else code
    form = form_on(page, "/signin/code")
    answer = http.post("/signin/code", data=form_data(*form.fields, ("code", one_time)))
    if answer.status_code != 303 or "/signin" in answer.headers.get("location", "/signin"):
        raise PairingError("the one-time code was refused")


def _consent_in_test_mode(app: AppSettings, url: str, args: argparse.Namespace) -> str:
    """Sign in and allow through the pages; the redirect's query string."""
    with httpx.Client(base_url=app.base_url, timeout=30) as http:
        _sign_in(http, args.username, args.password, args.code or "outbox")
        page = http.get(url)
        form = form_on(page, "/oauth/authorize")
        answer = http.post("/oauth/authorize",
                           data=form_data(*form.fields, ("decision", "allow")))
    location = str(answer.headers.get("location", ""))
    if not location.startswith(app.redirect_uri):
        raise PairingError(f"the consent screen answered {answer.status_code}")
    return urlsplit(location).query


def _consent_in_browser(app: AppSettings, url: str) -> str:
    """Open the consent screen and wait on the loopback redirect URI for the answer."""
    target = urlsplit(app.redirect_uri)
    received: dict[str, str] = {}

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != target.path:
                self.send_error(404)
                return
            received["query"] = parts.query
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"Done: you can close this tab and go back to the app.")

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.HTTPServer((target.hostname or "127.0.0.1", target.port or 80),
                                    Callback)
    print(f"Open this address to connect the app:\n{url}", file=sys.stderr)
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    while "query" not in received:
        server.handle_request()
    server.server_close()
    return received["query"]


def pair(app: AppSettings, args: argparse.Namespace) -> dict[str, str]:
    """The token response (access_token, refresh_token, scope...) once the person allowed."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = authorize_url(app, challenge, state)
    query = (_consent_in_test_mode(app, url, args) if args.username
             else _consent_in_browser(app, url))
    params = {key: values[0] for key, values in parse_qs(query).items()}
    if params.get("state") != state:
        raise PairingError("the state came back changed: not our request")
    if "code" not in params:
        raise PairingError(f"consent refused: {params.get('error', 'no code')}")
    answer = httpx.post(urljoin(app.base_url + "/", "oauth/token"), timeout=30, data={
        "grant_type": "authorization_code", "code": params["code"],
        "redirect_uri": app.redirect_uri, "client_id": app.client_id,
        "code_verifier": verifier})
    if answer.status_code != 200:
        raise PairingError(f"the token endpoint answered {answer.status_code}: {answer.text}")
    tokens: dict[str, str] = answer.json()
    return tokens
