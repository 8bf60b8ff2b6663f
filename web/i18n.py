"""Message catalogues: French by default, English available.

Catalogues are the .po files under web/locales, compiled in memory at start-up
so there is no generated binary file to keep in step.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from api.french import spaced

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
LANGUAGE_COOKIE = "carnet_lang"


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
    """messages.po plus one catalogue per area of the site (e.g. records.po), merged."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    merged = _compiled(folder / "messages.po", language)
    for path in sorted(folder.glob("*.po")):
        if path.name != "messages.po":
            merged.merge(_compiled(path, language))
    return merged


def pick_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT_LANGUAGE


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)
