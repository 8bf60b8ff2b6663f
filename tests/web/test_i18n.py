"""Every message of the pages and the API has its French; English is the source.

The check is `make messages`' own (scripts/messages.py --check), so a message added in the
code without its translation fails here, and so does a catalogue `make messages` would
change.
"""

import importlib.util
import sys
from pathlib import Path

from api.texts import gettext, text

ROOT = Path(__file__).resolve().parent.parent.parent


def _messages_script():
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" /
                                                  "messages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_message_in_the_code_has_its_french_and_english_entry():
    report = _messages_script().run(write=False)
    assert not report.faults, report.faults[:10]
    assert not report.changed, f"`make messages` would add ids to {report.changed}"


def test_the_check_finds_a_message_without_french(tmp_path, monkeypatch):
    script = _messages_script()
    source = tmp_path / "api"
    source.mkdir()
    (source / "new.py").write_text('N_("A sentence nobody translated yet.")\n')
    for language in ("fr", "en"):
        (tmp_path / "api" / "locales" / language / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "babel.cfg").write_text("[python: api/**.py]\n")
    monkeypatch.setattr(script, "ROOT", tmp_path)
    monkeypatch.setattr(script, "MAPPING", tmp_path / "babel.cfg")
    monkeypatch.setattr(script, "LOCALES", tmp_path / "api" / "locales")
    report = script.run(write=True)
    assert report.faults == ["no French translation: messages.po: 'A sentence nobody "
                             "translated yet.'"]
    written = (tmp_path / "api/locales/fr/LC_MESSAGES/messages.po").read_text()
    assert 'msgid "A sentence nobody translated yet."' in written
    assert script.run(write=True).changed == []  # a second run changes nothing


def test_french_is_the_default_and_english_the_source():
    assert gettext("fr", "Sign in") == "Se connecter"
    assert gettext("en", "Sign in") == "Sign in"
    assert gettext(None, "Sign in") == "Se connecter"


def test_api_messages_come_from_the_same_catalogues_with_french_typography():
    assert text("fr", "This text is too long: {limit} characters at most.", limit=200) == (
        "Ce texte est trop long\u202f: 200 caractères au plus.")
    assert text("en", "This text is too long: {limit} characters at most.", limit=200) == (
        "This text is too long: 200 characters at most.")


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
