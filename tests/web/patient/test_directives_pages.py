"""The advance directives page: reading, saving (with and without htmx), errors next to
their fields, confirming they are up to date, clearing after a confirm step."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from api import clock
from api.records.directives.models import Directives
from tests.factories import make_patient
from tests.records.directives.support import MINE, Person, save, signed_in_patient
from tests.records.documents.helpers import make_document

HTMX = {"HX-Request": "true"}


def _url(person: Person, rest: str = "") -> str:
    assert person.patient is not None
    return f"/records/{person.patient.id}/directives{rest}"


def _form(person: Person, **fields: str) -> dict[str, str]:
    return {"csrf_token": person.csrf, "advance_directives": "Pas d'acharnement.",
            "trusted_name": "Sam Martin", "trusted_relation": "conjoint",
            "trusted_phone": "06 12 34 56 78", "trusted_email": "sam@example.fr",
            "organ_donation": "CONSENTS", "organ_donation_limits": "", **fields}


async def _recorded(person: Person) -> dict[str, Any] | None:
    body = await person.ask(MINE)
    return body["data"]["me"]["patient"]["directives"]


async def test_an_empty_record_shows_the_form_and_explains_each_donation_choice(client,
                                                                             settings):
    alice = await signed_in_patient(client, settings.secret_key)
    page = await client.get(_url(alice))
    text = unescape(page.text)
    assert page.status_code == 200 and "<h1>Directives anticipées</h1>" in text
    assert '<textarea id="f-advance_directives" name="advance_directives"' in text
    assert text.count('type="radio" name="organ_donation"') == 4
    assert 'value="NOT_STATED" id="f-organ_donation" aria-describedby="h-od-NOT_STATED" ' \
           "checked" in text
    assert "registre national des refus" in text and "La loi considère alors" in text
    assert "Je confirme que ces directives sont à jour" not in text  # nothing to confirm yet
    assert f'href="/records/{alice.patient.id}/documents"' in text  # type: ignore[union-attr]


async def test_saving_without_javascript_records_everything_and_says_so(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice))
    assert sent.status_code == 303 and sent.headers["location"] == _url(alice, "?done=saved")
    page = await client.get(sent.headers["location"])
    assert 'role="status"' in page.text and "Vos directives sont enregistrées" in page.text
    assert 'value="Sam Martin"' in page.text and 'value="0612345678"' in page.text
    assert 'value="CONSENTS" id="f-od-CONSENTS" aria-describedby="h-od-CONSENTS" checked' \
        in page.text
    recorded = await _recorded(alice)
    assert recorded is not None and recorded["advanceDirectives"] == "Pas d'acharnement."
    assert recorded["trustedPerson"] == {"name": "Sam Martin", "relation": "conjoint",
                                         "phone": "0612345678", "email": "sam@example.fr"}
    assert recorded["organDonation"] == "CONSENTS"


async def test_saving_with_htmx_returns_the_fragment_with_its_notice(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice), headers=HTMX)
    assert sent.status_code == 200 and "<html" not in sent.text
    assert sent.text.lstrip().startswith('<div id="directives"')
    assert "Vos directives sont enregistrées" in sent.text


async def test_mistakes_are_shown_next_to_their_fields_and_nothing_is_saved(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, trusted_phone="12",
                                                     organ_donation="LIMITED"))
    text = unescape(sent.text)
    assert sent.status_code == 400
    assert re.search(r'id="e-trusted_phone">Ce numéro de téléphone n\'est pas complet', text)
    assert re.search(r'id="e-organ_donation_limits">Vous avez choisi un don', text)
    assert 'role="alert"' in text and 'href="#f-trusted_phone"' in text
    assert 'value="12"' in text and "Pas d'acharnement." in text  # what was typed stays
    assert await _recorded(alice) is None


async def test_a_trusted_person_without_a_name_is_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice), data=_form(alice, trusted_name=""))
    assert sent.status_code == 400
    assert re.search(r'id="e-trusted_name">Indiquez le nom de votre personne de confiance',
                     sent.text)


async def test_emptying_the_trusted_person_fields_removes_the_trusted_person(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await client.post(_url(alice), data=_form(alice))
    sent = await client.post(_url(alice), data=_form(
        alice, trusted_name="", trusted_relation="", trusted_phone="", trusted_email=""))
    assert sent.status_code == 303
    recorded = await _recorded(alice)
    assert recorded is not None and recorded["trustedPerson"] is None


async def test_confirming_notes_the_day_the_directives_were_read_again(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Rester chez moi.")
    page = await client.get(_url(alice))
    assert "Jamais confirmées pour l&#39;instant" in page.text
    sent = await client.post(_url(alice, "/confirm"), data={"csrf_token": alice.csrf})
    assert sent.status_code == 303 and sent.headers["location"] == _url(alice, "?done=confirmed")
    page = await client.get(sent.headers["location"])
    assert "Confirmées pour la dernière fois le" in page.text and "Merci" in page.text
    recorded = await _recorded(alice)
    assert recorded is not None and recorded["lastConfirmedAt"] is not None


async def test_confirming_with_htmx_swaps_the_fragment(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Rester chez moi.")
    sent = await client.post(_url(alice, "/confirm"), data={"csrf_token": alice.csrf},
                             headers=HTMX)
    assert sent.status_code == 200 and sent.text.lstrip().startswith('<div id="directives"')
    assert "Confirmées pour la dernière fois le" in sent.text


async def test_confirming_nothing_says_what_to_do_first(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    sent = await client.post(_url(alice, "/confirm"), data={"csrf_token": alice.csrf})
    assert sent.status_code == 400 and "Rien n&#39;est encore enregistré" in sent.text


async def test_clearing_asks_first_then_deletes_everything(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await client.post(_url(alice), data=_form(alice))
    ask = await client.get(_url(alice, "/clear"))
    assert ask.status_code == 200 and "Supprimer toutes vos directives\u202f?" in ask.text
    assert f'action="{_url(alice, "/clear")}"' in ask.text
    assert await _recorded(alice) is not None  # asking deletes nothing
    sent = await client.post(_url(alice, "/clear"), data={"csrf_token": alice.csrf})
    assert sent.status_code == 303 and sent.headers["location"] == _url(alice, "?done=cleared")
    page = await client.get(sent.headers["location"])
    assert "Vos directives sont supprimées" in page.text and 'value="Sam Martin"' not in page.text
    assert await _recorded(alice) is None


async def test_the_clear_step_comes_inline_with_htmx(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await client.post(_url(alice), data=_form(alice))
    ask = await client.get(_url(alice, "/clear"), headers=HTMX)
    assert ask.text.lstrip().startswith('<div id="directives"')
    assert "Oui, supprimer mes directives" in ask.text


async def test_forms_without_their_csrf_token_are_refused(client, settings):
    alice = await signed_in_patient(client, settings.secret_key)
    await save(alice, advanceDirectives="Rester chez moi.")
    for path in ("", "/confirm", "/clear"):
        assert (await client.post(_url(alice, path), data={})).status_code == 403
    recorded = await _recorded(alice)
    assert recorded is not None and recorded["lastConfirmedAt"] is None


async def test_someone_elses_directives_are_not_found(client, settings):
    stranger = await make_patient()
    alice = await signed_in_patient(client, settings.secret_key)
    assert (await client.get(f"/records/{stranger.id}/directives")).status_code == 404
    for path in ("", "/confirm", "/clear"):
        sent = await client.post(f"/records/{stranger.id}/directives{path}",
                                 data=_form(alice))
        assert sent.status_code == 404


async def test_a_document_of_another_record_never_shows_as_the_signed_document(client,
                                                                             settings):
    alice = await signed_in_patient(client, settings.secret_key)
    assert alice.patient is not None
    foreign = await make_document(await make_patient())
    await Directives.create(patient_id=alice.patient.id, document_id=foreign.id,
                            created_at=clock.now(), updated_at=clock.now())
    text = unescape((await client.get(_url(alice))).text)
    assert "Un document signé de vos directives est dans votre dossier." not in text
    own = await make_document(alice.patient)
    assert (await save(alice, documentId=str(own.id)))["userErrors"] == []
    text = unescape((await client.get(_url(alice))).text)
    assert "Un document signé de vos directives est dans votre dossier." in text
