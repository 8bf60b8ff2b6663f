"""From what age a record holds advance directives, a trusted person, an organ-donation
stance (French law: 18, 18 and 13), through the policy, the API and the page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape

import pytest

from api import clock
from api.consent.policy import Statement, may_state, open_statements
from tests.factories import make_patient
from tests.records.directives.support import save, signed_in_patient
from tests.web.patient.sharing_support import person

TODAY = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
ELEVEN, FOURTEEN = date(2015, 6, 1), date(2012, 1, 1)
EIGHTEEN_TOMORROW, EIGHTEEN_TODAY = date(2008, 12, 7), date(2008, 12, 6)
ALL, DONATION = set(Statement), {Statement.ORGAN_DONATION}


@pytest.mark.parametrize(("born", "expected"), [
    (ELEVEN, set()),
    (date(2013, 12, 7), set()),  # 13 tomorrow
    (date(2013, 12, 6), DONATION),  # 13 today
    (FOURTEEN, DONATION),
    (EIGHTEEN_TOMORROW, DONATION),
    (EIGHTEEN_TODAY, ALL),
    (date(1950, 2, 28), ALL),
])
def test_the_policy_opens_each_statement_at_its_age(born, expected):
    assert open_statements(born, TODAY.date()) == expected


def test_a_leap_day_birthday_comes_on_the_first_of_march():
    born = date(2008, 2, 29)
    assert not may_state(Statement.ADVANCE_DIRECTIVES, born, date(2026, 2, 28))
    assert may_state(Statement.ADVANCE_DIRECTIVES, born, date(2026, 3, 1))


# (birth date, what is saved, expected (field, code) refusals)
API_CASES = [
    (ELEVEN, {"advanceDirectives": "Pas d'acharnement"}, [("advanceDirectives", "TOO_YOUNG")]),
    (ELEVEN, {"organDonation": "REFUSES"}, [("organDonation", "TOO_YOUNG")]),
    (ELEVEN, {"trustedPerson": {"name": "Paul"}}, [("trustedPerson", "TOO_YOUNG")]),
    (ELEVEN, {"organDonation": "NOT_STATED", "advanceDirectives": ""}, []),
    (FOURTEEN, {"organDonation": "REFUSES"}, []),
    (FOURTEEN, {"advanceDirectives": "Pas d'acharnement"}, [("advanceDirectives", "TOO_YOUNG")]),
    (EIGHTEEN_TOMORROW, {"trustedPerson": {"name": "Paul"}}, [("trustedPerson", "TOO_YOUNG")]),
    (EIGHTEEN_TODAY, {"advanceDirectives": "Pas d'acharnement",
                      "trustedPerson": {"name": "Paul"}, "organDonation": "CONSENTS"}, []),
]


@pytest.mark.parametrize(("born", "fields", "refused"), API_CASES)
async def test_the_api_refuses_what_the_age_does_not_allow(client, settings, born, fields,
                                                           refused):
    someone = await signed_in_patient(client, settings.secret_key, birth_date=born)
    with clock.frozen_at(TODAY):
        payload = await save(someone, **fields)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == refused
    assert (payload["directives"] is None) == bool(refused)
    if refused:
        assert "ans" in payload["userErrors"][0]["message"]


async def test_an_elevens_record_offers_no_directives_page_form(client, settings):
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Léo", birth_date=ELEVEN,
                               guardian=parent.account)
    with clock.frozen_at(TODAY):
        page = await parent.get(parent.url("/directives", patient=child))
    assert page.status_code == 200
    text = unescape(page.text)
    assert "à partir de 18 ans" in text and "à partir de 13 ans" in text
    assert 'name="advance_directives"' not in text
    assert 'name="organ_donation"' not in text and 'name="trusted_name"' not in text


async def test_a_fourteen_year_old_may_state_only_organ_donation(client, settings):
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Zoé", birth_date=FOURTEEN,
                               guardian=parent.account)
    url = parent.url("/directives", patient=child)
    with clock.frozen_at(TODAY):
        page = await parent.get(url)
        assert 'name="organ_donation"' in page.text
        assert 'name="advance_directives"' not in page.text
        assert 'name="trusted_name"' not in page.text
        sent = await parent.post(url, {"organ_donation": "REFUSES", "organ_donation_limits": ""})
        assert sent.status_code == 303, sent.text[:400]
        after = await parent.get(url)
    assert 'value="REFUSES" id="f-od-REFUSES" aria-describedby="h-od-REFUSES" checked' in after.text
