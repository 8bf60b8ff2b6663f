"""The sharing page: authorisations listed in words and withdrawn (confirm page or inline),
the treating doctor, blocks and the emergency access opposition; with and without htmx."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from api import clock
from tests.factories import make_patient, make_professional
from tests.web.patient.sharing_support import (
    HTMX,
    grant_form,
    granted,
    grants_of,
    person,
    signed_in_owner,
    text_of,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_the_sharing_page_says_who_sees_what_in_words(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT")
    with clock.frozen_at(NOW):
        await granted(owner, nurse, ["ALLERGIES", "TREATMENTS", "MEASUREMENTS"], write=True)
    page = await owner.get(owner.url("/sharing"))
    assert page.status_code == 200
    text = text_of(page)
    assert "Test PETIT , infirmier ou infirmière (Lyon)" in text
    assert "Voit : allergies, traitements et mesures." in text
    # A nurse never changes treatments, whatever the patient allowed.
    assert "Peut aussi modifier : allergies et mesures." in text
    assert "Jusqu'au 2 mars 2027." in text
    assert ("Votre médecin traitant voit toutes les rubriques du dossier, y compris les documents "
            "que vous avez masqués aux autres professionnels.") in text
    assert ("Un professionnel bloqué ne peut plus rien voir. Le bloquer met fin à ses "
            "autorisations et à sa désignation comme médecin traitant ; le débloquer ne lui en "
            "rend aucune.") in text
    assert "pendant 4 heures, seulement pour le lire" in text


async def test_withdrawing_an_access_asks_first_then_ends_it(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT")
    grant_id = await granted(owner, nurse, ["ALLERGIES", "TREATMENTS"])
    sharing = await owner.get(owner.url("/sharing"))
    assert f'href="{owner.url("/sharing")}/revoke?grant={grant_id}"' in sharing.text
    confirm = await owner.get(owner.url(f"/sharing/revoke?grant={grant_id}"))
    assert confirm.status_code == 200
    text = text_of(confirm)
    assert "Retirer l'accès de Test PETIT ?" in text
    assert "Test PETIT ne verra plus : allergies et traitements." in text
    done = await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id})
    assert done.status_code == 303
    assert done.headers["location"] == owner.url("/sharing?done=revoked")
    [grant] = await grants_of(owner)
    assert grant["status"] == "REVOKED"
    after = text_of(await owner.get(done.headers["location"]))
    assert "C'est fait : l'accès est retiré." in after and "1 accès terminé" in after


async def test_withdrawing_an_access_inline_with_htmx(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    grant_id = await granted(owner, await make_professional("nurse"), ["ALLERGIES"])
    confirm = await owner.get(owner.url(f"/sharing/revoke?grant={grant_id}"), **HTMX)
    assert confirm.status_code == 200 and "<html" not in confirm.text
    assert confirm.text.lstrip().startswith('<div class="confirm">')
    assert 'hx-post="' in confirm.text and 'hx-target="#sharing"' in confirm.text
    fragment = await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id}, htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert '<p id="sharing-status" hx-swap-oob="innerHTML">' in fragment.text
    assert "l'accès est retiré" in text_of(fragment)
    assert "Aucun professionnel ne peut voir ce dossier grâce à une autorisation." in text_of(
        fragment)


async def test_withdrawing_an_ended_access_says_so(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    grant_id = await granted(owner, await make_professional("nurse"), ["ALLERGIES"])
    await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id})
    again = await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id})
    assert again.status_code == 400
    assert 'role="alert"' in again.text and "Cet accès a déjà pris fin." in text_of(again)
    in_place = await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id}, htmx=True)
    assert in_place.status_code == 400 and "<html" not in in_place.text
    assert '<div id="sharing" class="sharing">' in in_place.text
    assert "Cet accès a déjà pris fin." in text_of(in_place)
    assert (await owner.get(owner.url(f"/sharing/revoke?grant={grant_id}"))).status_code == 404


async def test_a_childs_access_is_not_withdrawn_from_the_parents_own_sharing_page(
        client, settings):
    parent = await signed_in_owner(client, settings.secret_key)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2015, 3, 2),
                               guardian=parent.account)
    as_guardian = replace(parent, patient=child)
    grant_id = await granted(as_guardian, await make_professional("nurse"), ["ALLERGIES"])
    for htmx in (False, True):
        wrong = await parent.post(parent.url("/sharing/revoke"), {"grant": grant_id}, htmx=htmx)
        assert wrong.status_code == 404
    [grant] = await grants_of(as_guardian)
    assert grant["status"] == "ACTIVE"
    done = await parent.post(parent.url("/sharing/revoke", child), {"grant": grant_id})
    assert done.status_code == 303
    assert [g["status"] for g in await grants_of(as_guardian)] == ["REVOKED"]


async def test_designating_then_removing_the_treating_doctor(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    doctor = await make_professional("physician", last_name="BERNARD")
    done = await owner.post(owner.url("/sharing/doctor"), {"professional": str(doctor.id)})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=doctor")
    text = text_of(await owner.get(done.headers["location"]))
    assert "Test BERNARD (Lyon), depuis le" in text
    assert "C'est fait : votre médecin traitant est enregistré." in text
    removed = await owner.post(owner.url("/sharing/doctor/remove"), htmx=True)
    assert removed.status_code == 200 and "<html" not in removed.text
    assert "Vous n'avez pas choisi de médecin traitant." in text_of(removed)
    again = await owner.post(owner.url("/sharing/doctor/remove"))
    assert again.status_code == 400
    assert "Vous n'avez pas de médecin traitant déclaré." in text_of(again)


async def test_only_a_doctor_can_be_the_treating_doctor(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    refused = await owner.post(owner.url("/sharing/doctor"), {"professional": str(nurse.id)})
    assert refused.status_code == 400
    assert "Seul un médecin peut être votre médecin traitant." in text_of(refused)


async def test_blocking_then_unblocking_a_professional(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse", last_name="PETIT")
    await granted(owner, nurse, ["ALLERGIES"])
    done = await owner.post(owner.url("/sharing/block"), {"professional": str(nurse.id)})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=blocked")
    page = await owner.get(owner.url("/sharing"))
    assert "Débloquer Test PETIT" in text_of(page)
    # A blocked professional cannot be given access until unblocked.
    grant_page = text_of(await owner.get(owner.url(f"/sharing/grant/{nurse.id}")))
    assert "Vous avez bloqué Test PETIT" in grant_page
    refused = await owner.post(owner.url("/sharing/grant"),
                               grant_form(nurse, "ALLERGIES"))
    assert "Vous avez bloqué ce professionnel" in text_of(refused)
    lifted = await owner.post(owner.url("/sharing/unblock"), {"professional": str(nurse.id)},
                              htmx=True)
    assert lifted.status_code == 200 and "C'est fait : le blocage est levé." in text_of(lifted)
    assert "Vous n'avez bloqué personne." in text_of(lifted)
    again = await owner.post(owner.url("/sharing/unblock"), {"professional": str(nurse.id)})
    assert again.status_code == 400 and "Ce professionnel n'est pas bloqué." in text_of(again)


async def test_blocking_asks_first_and_unblocking_brings_no_access_back(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    doctor = await make_professional(last_name="MARTIN")
    await granted(owner, doctor, ["ALLERGIES"])
    await owner.post(owner.url("/sharing/doctor"), {"professional": str(doctor.id)})
    found = text_of(await owner.get(owner.url("/sharing/find?search=martin")))
    assert "Bloquer Test MARTIN" in found
    confirm = await owner.get(owner.url(f"/sharing/block?professional={doctor.id}"))
    assert confirm.status_code == 200
    words = text_of(confirm)
    assert "Son autorisation prend fin maintenant : il ne verra plus les allergies." in words
    assert "Il ne sera plus votre médecin traitant." in words
    assert "Si vous le débloquez plus tard, rien de tout cela ne revient" in words
    owner.client.cookies.set("carnet_lang", "en")
    english = text_of(await owner.get(owner.url(f"/sharing/block?professional={doctor.id}")))
    owner.client.cookies.delete("carnet_lang")
    assert "If you unblock them later, none of this comes back" in english
    assert "They will no longer be your treating doctor." in english
    await owner.post(owner.url("/sharing/block"), {"professional": str(doctor.id)})
    await owner.post(owner.url("/sharing/unblock"), {"professional": str(doctor.id)})
    page = text_of(await owner.get(owner.url("/sharing")))
    assert "Aucun professionnel ne peut voir ce dossier grâce à une autorisation." in page
    assert "Vous n'avez pas choisi de médecin traitant." in page
    assert "parce que vous avez bloqué ce professionnel" in page


async def test_blocking_someone_unknown_asks_nothing(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    assert (await owner.get(owner.url("/sharing/block?professional=999999"))).status_code == 404
    assert (await owner.get(owner.url("/sharing/block?professional=x"))).status_code == 404


async def test_refusing_then_allowing_emergency_access(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    done = await owner.post(owner.url("/sharing/emergency"), {"opposed": "yes"})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=opposed")
    text = text_of(await owner.get(done.headers["location"]))
    assert "Vous refusez l'accès en cas d'urgence." in text
    assert "Autoriser de nouveau l'accès en cas d'urgence" in text
    assert "Accès en cas d'urgence : refusé." in text_of(await owner.get(owner.url()))
    fragment = await owner.post(owner.url("/sharing/emergency"), {"opposed": "no"}, htmx=True)
    assert fragment.status_code == 200
    assert "Vous autorisez l'accès en cas d'urgence." in text_of(fragment)
    unclear = await owner.post(owner.url("/sharing/emergency"), {"opposed": "maybe"})
    assert unclear.status_code == 400 and "Indiquez si vous refusez" in text_of(unclear)


async def test_every_change_needs_the_csrf_token(client, settings):
    owner = await signed_in_owner(client, settings.secret_key)
    nurse = await make_professional("nurse")
    for path, data in [("/sharing/grant", grant_form(nurse, "ALLERGIES")),
                       ("/sharing/revoke", {"grant": "1"}),
                       ("/sharing/doctor", {"professional": str(nurse.id)}),
                       ("/sharing/doctor/remove", {}),
                       ("/sharing/block", {"professional": str(nurse.id)}),
                       ("/sharing/unblock", {"professional": str(nurse.id)}),
                       ("/sharing/emergency", {"opposed": "yes"})]:
        refused = await owner.post(owner.url(path), data, csrf=False)
        assert refused.status_code == 403, path
    assert await grants_of(owner) == []


async def test_a_strangers_sharing_pages_are_not_found(client, settings):
    other = await make_patient()
    nurse = await make_professional("nurse")
    stranger = await signed_in_owner(client, settings.secret_key)
    for path in ("/sharing", f"/sharing/grant/{nurse.id}", "/sharing/find?search=test",
                 "/sharing/revoke?grant=1"):
        assert (await stranger.get(stranger.url(path, patient=other))).status_code == 404, path
    for path, data in [("/sharing/grant", grant_form(nurse, "ALLERGIES")),
                       ("/sharing/block", {"professional": str(nurse.id)}),
                       ("/sharing/emergency", {"opposed": "yes"})]:
        posted = await stranger.post(stranger.url(path, patient=other), data)
        assert posted.status_code == 404, path


async def test_someone_elses_grant_cannot_be_withdrawn(client, settings):
    other = await person(client, settings.secret_key, await make_patient())
    grant_id = await granted(other, await make_professional("nurse"), ["ALLERGIES"])
    owner = await signed_in_owner(client, settings.secret_key)
    refused = await owner.post(owner.url("/sharing/revoke"), {"grant": grant_id})
    assert refused.status_code == 404
    assert (await grants_of(other))[0]["status"] == "ACTIVE"


async def test_a_parent_manages_the_sharing_of_their_childs_record(client, settings):
    parent = await make_patient(first_names="Camille")
    child = await make_patient(first_names="Léo", account=False, birth_date=date(2015, 3, 2),
                               guardian=await parent.account)
    owner = await person(client, settings.secret_key, parent)
    nurse = await make_professional("nurse")
    done = await owner.post(owner.url("/sharing/grant", patient=child),
                            grant_form(nurse, "VACCINATIONS"))
    assert done.status_code == 303
    page = await owner.get(owner.url("/sharing", patient=child))
    assert "Qui peut voir le dossier de Léo TESTON" in text_of(page)
    assert "Voit : vaccinations." in text_of(page)
    assert f'<a href="/records/{parent.id}/sharing">Camille TESTON' in page.text
