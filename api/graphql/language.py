"""The language a request asks for: the page's cookie first, then `Accept-Language`.

Plumbing, so that the GraphQL view and the plain HTTP routes of the domains answer in the
same language without a domain importing the view.
"""

from __future__ import annotations

from starlette.requests import Request


def request_language(request: Request) -> str:
    lang = request.cookies.get("carnet_lang") or request.headers.get("accept-language", "fr")[:2]
    return "en" if lang == "en" else "fr"
