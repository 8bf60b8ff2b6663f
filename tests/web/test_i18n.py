"""Every message of the interface has a French translation; English is the source."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import LOCALES_DIR, gettext

ROOT = Path(__file__).resolve().parent.parent.parent


def _extracted_ids() -> set[str]:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    options = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map=options, keywords={"_": None, "N_": None,
                                                             "ngettext": (1, 2), "gettext": None}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _french_entries() -> dict[str, object]:
    entries: dict[str, object] = {}
    for path in sorted((LOCALES_DIR / "fr" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for entry in read_po(handle, locale="fr"):
                key = entry.id[0] if isinstance(entry.id, tuple) else entry.id
                if key and entry.string and (isinstance(entry.string, str) or all(entry.string)):
                    entries[key] = entry.string
    return entries


def test_every_interface_message_is_translated_into_french():
    translated = _french_entries()
    missing = sorted(message for message in _extracted_ids() if message not in translated)
    assert not missing, f"{len(missing)} messages have no French translation: {missing[:10]}"


def test_french_is_the_default_and_english_the_source():
    assert gettext("fr", "Sign in") == "Se connecter"
    assert gettext("en", "Sign in") == "Sign in"


async def test_the_language_switch_works_without_javascript(client):
    page = await client.get("/signin")
    assert '<html lang="fr">' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    switched = await client.post("/lang", data={"csrf_token": token, "lang": "en",
                                               "next": "/signin"})
    assert switched.status_code == 303 and switched.headers["location"] == "/signin"
    english = await client.get("/signin")
    assert '<html lang="en">' in english.text and "Sign in to Carnet" in english.text


async def test_the_language_switch_never_redirects_off_site(client):
    page = await client.get("/signin")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = await client.post("/lang", data={"csrf_token": token, "lang": "en",
                                                "next": "//evil.example/"})
    assert response.headers["location"] == "/"
