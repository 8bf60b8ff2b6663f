"""French as French readers expect it: « 1er novembre », narrow no-break spaces before
« : ; ! ? » and inside « guillemets » (api/french.py, used by the message catalogue and
the API's messages; the dates written by api/dates.py), pronouns that agree with the section."""

from __future__ import annotations

from datetime import date

import pytest

from api.dates import day_and_month, long_date
from api.french import NARROW, spaced
from api.identity.models import Account
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed, added
from web.i18n import gettext


@pytest.fixture
async def owner(client, settings) -> Signed:
    patient = await make_patient(first_names="Camille Anne", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


@pytest.mark.parametrize(("text", "expected"), [
    ("Gravité : sévère", f"Gravité{NARROW}: sévère"),
    ("Supprimer ce document ?", f"Supprimer ce document{NARROW}?"),
    ("« Mon espace santé »", f"«{NARROW}Mon espace santé{NARROW}»"),
    ("Attention !", f"Attention{NARROW}!"),
    ("le 6 décembre à 06:45", "le 6 décembre à 06:45"),  # a time keeps its colon tight
    ("https://carnet.example/a?b=c", "https://carnet.example/a?b=c"),
    (f"Déjà{NARROW}: fait", f"Déjà{NARROW}: fait"),  # idempotent
    ("", ""),
])
def test_french_spacing(text, expected):
    assert spaced(text) == expected


@pytest.mark.parametrize(("day", "language", "expected"), [
    (date(2026, 11, 1), "fr", "1er novembre 2026"),
    (date(2026, 11, 11), "fr", "11 novembre 2026"),
    (date(2026, 11, 21), "fr", "21 novembre 2026"),
    (date(2026, 11, 1), "en", "November 1, 2026"),
])
def test_the_first_of_the_month_is_an_ordinal(day, language, expected):
    assert long_date(day, language) == expected


def test_day_and_month_alone():
    assert day_and_month(date(2026, 12, 1), "fr") == "1er décembre"
    assert day_and_month(date(2026, 12, 6), "fr") == "6 décembre"


def test_every_french_message_of_the_catalogue_is_spaced():
    assert gettext("fr", "Carnet: your health record, under your control.") == (
        f"Carnet{NARROW}: votre dossier de santé, sous votre contrôle.")


@pytest.mark.parametrize(("section", "values", "question", "pronoun"), [
    ("allergies", {"substance": "Pollen"}, "Supprimer cette allergie", "Elle disparaîtra"),
    ("vaccinations", {"vaccineCode": "MMR", "date": "2001-05-02"}, "Supprimer cette vaccination",
     "Elle disparaîtra"),
    ("treatments", {"medication": "Doliprane"}, "Supprimer ce traitement", "Il disparaîtra"),
    ("history", {"kind": "CONDITION", "text": "Asthme"}, "Supprimer cet antécédent",
     "Il disparaîtra"),
])
async def test_the_removal_question_agrees_with_the_section(owner, section, values, question,
                                                           pronoun):
    entry = await added(owner, section, values)
    page = await owner.client.get(f"/records/{owner.patient.id}/{section}/{entry['id']}/remove")
    assert page.status_code == 200
    assert f"{question}{NARROW}?" in page.text
    assert f"{pronoun} du dossier définitivement." in page.text


async def test_an_entry_started_on_the_first_says_1er(owner):
    await added(owner, "treatments", {"medication": "Doliprane", "startDate": "2024-06-01"})
    page = await owner.client.get(f"/records/{owner.patient.id}/treatments")
    assert "1er juin 2024" in page.text and "1 juin 2024" not in page.text


async def test_a_date_before_birth_is_refused_next_to_its_field_on_the_page(owner):
    page = await owner.client.post(
        f"/records/{owner.patient.id}/allergies",
        data={"csrf_token": owner.csrf, "substance": "Pollen", "onsetDate": "1979-06-01"})
    assert page.status_code == 400
    error = page.text.split('id="a-onsetDate-error">', 1)[1][:80]
    assert f"Cette date est avant la naissance{NARROW}: vérifiez l" in error
