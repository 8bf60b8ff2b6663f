"""Jinja rendering: one template per page, named blocks for what htmx swaps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.consent.routes import EMERGENCY_PROFESSIONS
from api.security import csrf
from web.i18n import language_of, translations
from web.messages import PROFESSIONS

TEMPLATES_DIR = Path(__file__).parent / "templates"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)


def is_htmx(request: Request) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _translators(language: str) -> tuple[Any, Any]:
    """gettext and ngettext with named placeholders, as in Jinja's "newstyle" gettext."""
    trans = translations(language)

    def gettext(message: str, **values: Any) -> str:
        text = trans.gettext(message)
        return text % values if values else text

    def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
        return trans.ngettext(singular, plural, num) % {"num": num, **values}

    return gettext, ngettext


CLEAR_REQUEST_ERROR = ('<div id="request-error" class="request-error" role="alert" '
                       'hx-swap-oob="true"></div>')


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """Render a page, or only `block` of it when htmx asked for a fragment."""
    language = language_of(request)
    template = _environment.get_template(template_name)
    values = {
        "request": request,
        "lang": language,
        "csrf_token": csrf.token_for(request),
        "viewer": getattr(request.state, "viewer", None),
        "debug": not request.app.state.settings.production,
        "professions": PROFESSIONS,
        # The workspace navigation offers emergency access to emergency professions only.
        "may_open_emergency": getattr(request.state, "profession", None) in EMERGENCY_PROFESSIONS,
        **(context or {}),
    }
    values["_"], values["ngettext"] = _translators(language)
    if block is not None and is_htmx(request):
        block_render = template.blocks[block]
        html = "".join(block_render(template.new_context(values)))
    else:
        html = template.render(values)
    if is_htmx(request) and request.method == "POST" and status_code < 400:
        # A change that went through clears the message a failed one left (base.html). Not
        # on GET: suggestion lists are parsed as list items, where the div does not belong.
        html += CLEAR_REQUEST_ERROR
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Vary"] = "HX-Request, Cookie"
    response.headers["Cache-Control"] = "no-store"
    return response
