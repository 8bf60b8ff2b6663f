"""Every text Carnet shows, from one set of catalogues, and the one rule for its language.

The pages, the API's user errors, notifications and e-mails all read their words here:
message ids are English, written in the code inside `N_(...)` (or `NC_(context, ...)`
where the same English needs other French), and api/locales/{fr,en}/LC_MESSAGES holds one
gettext catalogue per area. The catalogues are compiled in memory on first use, so there is
no generated binary file to keep in step; French messages pass through api.french's
typography once, there. `make messages` extracts the ids again (scripts/messages.py).

Which language a request gets is decided by `choose_language`, the same for a page and for
/graphql, in the order a person expects:

1. the choice made with the language switch on this device (the `carnet_lang` cookie):
   what someone picked by hand always wins;
2. the signed-in account's language: the choice they made while signed in, on any device
   (the switch stores it on the account), which is also the language of their e-mails;
3. the browser's or phone's languages (`Accept-Language`), for someone who never chose;
4. French, the language of the French health system Carnet serves.

This module is plumbing: it imports no domain, so every package may use it.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import HTTPConnection

from api.french import spaced

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "carnet_lang"


def N_(message: str) -> str:
    """Mark an English message for extraction; it is translated where it is shown."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Mark a message that needs a context (the same English, other French words)."""
    return context, message


def _compiled(path: Path, language: str) -> Translations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    if language == "fr":  # French spacing, once for every message (api.french)
        for message in catalog:
            if isinstance(message.string, str):
                message.string = spaced(message.string)
            elif message.string:
                message.string = tuple(spaced(form) for form in message.string)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@cache
def translations(language: str) -> Translations:
    """Every area's catalogue for `language` (French for a language Carnet does not speak)."""
    language = pick_language(language)
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    paths = sorted(folder.glob("*.po"))
    merged = _compiled(paths[0], language)
    for path in paths[1:]:
        merged.merge(_compiled(path, language))
    return merged


def gettext(language: str | None, message: str | tuple[str, str]) -> str:
    """`message` (an id, or a (context, id) pair from NC_) in `language` (None: French)."""
    catalogue = translations(pick_language(language))
    if isinstance(message, tuple):
        return str(catalogue.pgettext(*message))
    return catalogue.gettext(message)


def text(language: str | None, message: str | tuple[str, str], **values: object) -> str:
    """The message in `language` with its `{placeholders}` filled in."""
    translated = gettext(language, message)
    return translated.format(**values) if values else translated


def pick_language(value: str | None) -> str:
    """A language Carnet speaks: `value` itself, else French."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def accepted_language(header: str | None) -> str | None:
    """The first language Carnet speaks in an Accept-Language header, by preference."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if weight > 0 and primary in LANGUAGES:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


def choose_language(choice: str | None, account_language: str | None,
                    accept_language: str | None) -> str:
    """The language to answer in; the order is this module's docstring."""
    for candidate in (choice, account_language):
        if candidate is not None and candidate in LANGUAGES:
            return candidate
    return accepted_language(accept_language) or DEFAULT_LANGUAGE


def request_language(connection: HTTPConnection, account_language: str | None = None) -> str:
    """The language for this request; `account_language` is the signed-in account's, if any."""
    return choose_language(connection.cookies.get(LANGUAGE_COOKIE), account_language,
                           connection.headers.get("accept-language"))
