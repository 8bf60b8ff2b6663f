"""The pages' side of api.texts: the language of the page a request is for.

The catalogues and the rule for choosing a language live in api.texts, shared with the API;
here only the signed-in person is found for it (the guards put them on `request.state`).
"""

from __future__ import annotations

from starlette.requests import Request

from api.texts import (
    DEFAULT_LANGUAGE,
    LANGUAGE_COOKIE,
    LANGUAGES,
    LOCALES_DIR,
    gettext,
    pick_language,
    request_language,
    translations,
)

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_COOKIE", "LOCALES_DIR", "gettext",
           "language_of", "pick_language", "translations"]


def language_of(request: Request) -> str:
    """The page's language: api.texts' order, with the signed-in account's language."""
    viewer = getattr(request.state, "viewer", None)
    return request_language(request, viewer.account.language if viewer is not None else None)
