"""A parent's reads of their own record are no access to their child's record: only reading
the child's record is, and the child's access history says so."""

from __future__ import annotations

from datetime import date

from api.audit.models import AccessEvent
from tests.factories import make_patient
from tests.web.patient.sharing_support import person, text_of

OWN_PAGES = ("", "/history", "/allergies", "/measurements", "/documents", "/sharing",
             "/access-history", "/summary")


async def _events_on(patient_id: int) -> list[AccessEvent]:
    return await AccessEvent.filter(patient_id=patient_id).order_by("id")


async def test_a_parent_opening_their_own_pages_leaves_the_childs_history_empty(client,
                                                                               settings):
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 2, 3),
                               guardian=parent.account)
    for rest in OWN_PAGES:
        page = await parent.get(parent.url(rest))
        assert page.status_code == 200, rest
        assert "Léo TESTON" in text_of(page), rest  # still offered in the record switcher
    home = await parent.get("/patient")  # the parent's own record, shown in place
    assert home.status_code == 200 and "Anne TESTON" in text_of(home)
    assert await _events_on(child.id) == []


async def test_reading_the_childs_record_is_in_the_childs_history(client, settings):
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 2, 3),
                               guardian=parent.account)
    page = await parent.get(parent.url("/allergies", patient=child))
    assert page.status_code == 200
    sections = {name for event in await _events_on(child.id) for name in event.sections.split(",")}
    assert "allergies" in sections


async def test_the_childs_overview_lists_the_others_who_opened_it_not_the_parent(client,
                                                                                 settings):
    """The overview's "latest accesses by others" leaves out the reader's own visits, which
    the full access history still lists."""
    parent = await person(client, settings.secret_key, await make_patient(first_names="Anne"))
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 2, 3),
                               guardian=parent.account)
    assert (await parent.get(parent.url("/allergies", patient=child))).status_code == 200
    overview = text_of(await parent.get(parent.url("", patient=child)))
    assert "Personne d'autre n'a encore ouvert ce dossier." in overview, overview
    history = text_of(await parent.get(parent.url("/access-history", patient=child)))
    assert "Anne TESTON" in history
