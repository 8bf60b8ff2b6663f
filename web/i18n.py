"""The pages' side of api.texts: the language of the page a request is for.

The catalogues and the rule for choosing a language live in api.texts, shared with the API;
here only the person is found for it, from the session already loaded for the request.
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
    """The page's language: api.texts' order, with the language of the account whose
    session the request carries (loaded by the guards and viewer_from_request; a session
    still waiting for its second factor counts: the person gave their password)."""
    session = getattr(request.state, "session", None)
    return request_language(request, session.account.language if session is not None else None)
