"""The parent's switch between records: a child leaves it on their 18th birthday."""

from __future__ import annotations

from datetime import UTC, date, datetime

from api import clock
from api.identity.models import Role
from tests.factories import make_account, make_patient
from tests.web.patient.sharing_support import person, text_of

BEFORE = datetime(2026, 5, 31, 23, 59, tzinfo=UTC)
BIRTHDAY = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


async def test_a_child_leaves_the_parents_record_switcher_at_18(client, settings):
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Zoé", birth_date=date(2008, 6, 1),
                               guardian=parent.account)
    await make_patient(account=False, first_names="Léo", birth_date=date(2012, 2, 3),
                       guardian=parent.account)
    with clock.frozen_at(BEFORE):
        before = text_of(await parent.get(parent.url()))
        child_page = await parent.get(parent.url(patient=child))
    with clock.frozen_at(BIRTHDAY):
        after = text_of(await parent.get(parent.url()))
        child_after = await parent.get(parent.url(patient=child))
    assert "Dossiers que je gère" in before
    assert "Zoé TESTON" in before and "Léo TESTON" in before
    assert child_page.status_code == 200
    assert "Zoé TESTON" not in after and "Léo TESTON" in after
    assert child_after.status_code == 404
    assert "Zoé" not in child_after.text


async def test_an_only_child_turning_18_leaves_the_parent_without_records(client, settings):
    guardian = await make_account(Role.PATIENT)
    await make_patient(account=False, first_names="Zoé", birth_date=date(2008, 6, 1),
                       guardian=guardian)
    parent = await person(client, settings.secret_key, guardian)
    with clock.frozen_at(BEFORE):
        before = await parent.get("/patient")
    with clock.frozen_at(BIRTHDAY):
        home = await parent.get("/patient")
    assert before.status_code == 200 and "Zoé TESTON" in text_of(before)  # the child's record
    assert home.status_code == 200
    assert "Zoé" not in home.text
