"""A record in the workspace: the sections the grant opens are read with the patient's own
pages, the others are not linked and answer a refusal page that says why and what the
patient can do; a record out of reach is the same 404 whatever the reason; entries are added
and corrected where the grant allows writing, and the patient sees the professional as
their author."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from api import clock
from api.consent.models import Block, EmergencyAccess
from api.consent.sections import Section as S
from api.identity.models import Account, Patient
from api.records.entries.models import Allergy, Severity
from tests.factories import csrf_from, sign_in
from tests.web.pro.support import Pro, grant, patient, signed_pro, text_of, treating

HTMX = {"HX-Request": "true"}
SECTIONS = ("history", "allergies", "treatments", "vaccinations", "measurements", "documents",
            "directives")
ENUM = {"history": S.HISTORY, "allergies": S.ALLERGIES, "treatments": S.TREATMENTS,
        "vaccinations": S.VACCINATIONS, "measurements": S.MEASUREMENTS,
        "documents": S.DOCUMENTS, "directives": S.DIRECTIVES}


def url(someone: Patient, rest: str = "") -> str:
    return f"/pro/records/{someone.id}" + (f"/{rest}" if rest else "")


async def _post(pro: Pro, page_url: str, data: dict[str, str],
                headers: dict[str, str] | None = None) -> httpx.Response:
    page = await pro.client.get("/pro")
    return await pro.client.post(page_url, data={"csrf_token": csrf_from(page.text), **data},
                                 headers=headers or {})


async def _add_allergy(someone: Patient, substance: str = "Arachide") -> Allergy:
    now = clock.now()
    return await Allergy.create(patient_id=someone.id, substance=substance,
                                severity=Severity.SEVERE, created_at=now, updated_at=now)


@pytest.mark.parametrize("granted", [("allergies",), ("history", "treatments"),
                                     ("measurements", "documents", "directives")])
async def test_only_the_granted_sections_are_linked_and_readable(client, settings, granted):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient("Anne", "ALPHA")
    await grant(someone, pro.professional, S.IDENTITY, *(ENUM[s] for s in granted))
    overview = await client.get(url(someone))
    assert overview.status_code == 200
    for section in SECTIONS:
        linked = f'href="{url(someone, section)}"' in overview.text
        page = await client.get(url(someone, section))
        if section in granted:
            assert linked and page.status_code == 200, section
            assert "Anne ALPHA" in text_of(page)
        else:
            assert not linked and page.status_code == 403, section
            shown = text_of(page)
            assert "n’est pas partagé avec vous" in shown
            assert "Ce que le patient peut faire" in shown and "page Partage" in shown


async def test_a_granted_section_reads_with_the_patients_own_page(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient("Anne", "ALPHA")
    await _add_allergy(someone)
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    shown = text_of(await client.get(url(someone, "allergies")))
    assert "Arachide" in shown and "Gravité : sévère" in shown
    assert "Ajouter une allergie" not in shown and "Modifier" not in shown
    assert "Supprimer" not in shown


async def test_the_frame_names_the_patient_only_when_identity_is_shared(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    named = await patient("Anne", "ALPHA")
    unnamed = await patient("Bruno", "BRAVO")
    await grant(named, pro.professional, S.IDENTITY, S.ALLERGIES)
    await grant(unnamed, pro.professional, S.ALLERGIES)
    assert "né(e) le 1er janvier 1980" in text_of(await client.get(url(named, "allergies")))
    shown = text_of(await client.get(url(unnamed, "allergies")))
    assert "BRAVO" not in shown and "1980" not in shown
    assert f"Dossier n° {unnamed.id}" in shown and "ne vous a pas partagé son identité" in shown


async def test_a_section_whose_grant_expired_says_when_access_ended(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    ended = await grant(someone, pro.professional, S.HISTORY, days=-3)
    page = await client.get(url(someone, "history"))
    day = ended.expires_at.astimezone().day
    assert page.status_code == 403
    assert f"Votre accès à cette rubrique a pris fin le {day}" in text_of(page)


async def test_a_revoked_grant_reads_as_not_shared(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    revoked = await grant(someone, pro.professional, S.HISTORY)
    revoked.revoked_at = clock.now() - timedelta(minutes=1)
    await revoked.save()
    shown = text_of(await client.get(url(someone, "history")))
    assert "ne vous a pas partagé cette rubrique" in shown and "pris fin" not in shown


async def test_a_guessed_record_is_the_same_404_whatever_the_reason(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    stranger = await patient()
    blocker = await patient()
    await grant(blocker, pro.professional, S.IDENTITY, S.ALLERGIES)
    await Block.create(patient_id=blocker.id, professional_id=pro.professional.id,
                       created_at=clock.now())
    pages = [await client.get(path) for path in (
        url(stranger), url(stranger, "allergies"), url(blocker), url(blocker, "allergies"),
        "/pro/records/999999", "/pro/records/999999/allergies", "/pro/records/99999999999")]
    assert {page.status_code for page in pages} == {404}
    assert len({text_of(page) for page in pages}) == 1
    assert "ALPHA" not in text_of(pages[0])


async def test_a_read_write_grant_adds_and_corrects_entries_and_the_patient_sees_the_author(
        client, settings):
    pro = await signed_pro(client, settings.secret_key, last_name="MOREAU")
    someone = await patient("Anne", "ALPHA")
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES, write=True)
    page = await client.get(url(someone, "allergies"))
    assert "Ajouter une allergie" in text_of(page) and "Supprimer" not in text_of(page)
    added = await _post(pro, url(someone, "allergies"),
                        {"substance": "Pénicilline", "severity": "MODERATE"})
    assert added.status_code == 303
    allergy = await Allergy.get(patient_id=someone.id)
    changed = await _post(pro, url(someone, f"allergies/{allergy.id}/edit"),
                          {"substance": "Amoxicilline", "severity": "SEVERE"})
    assert changed.status_code == 303
    shown = text_of(await client.get(url(someone, "allergies")))
    assert "Amoxicilline" in shown and "Ajouté par Dr Test MOREAU" in shown
    # Removing stays the patient's: no link, no route.
    assert (await _post(pro, url(someone, f"allergies/{allergy.id}/remove"), {})
            ).status_code in (404, 405)
    owner = await Account.get(id=someone.account_id)
    client.cookies.clear()
    await sign_in(client, owner, settings.secret_key)
    seen = text_of(await client.get(f"/records/{someone.id}/allergies"))
    assert "Amoxicilline" in seen and "Ajouté par Dr Test MOREAU" in seen
    assert "par vous" not in seen


async def test_a_read_write_grant_adds_with_htmx_too(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.TREATMENTS, write=True)
    added = await _post(pro, url(someone, "treatments"), {"medication": "Salbutamol"}, HTMX)
    assert added.status_code == 200 and "Salbutamol" in added.text
    assert "<html" not in added.text


async def test_a_read_only_grant_refuses_every_write_and_changes_nothing(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    allergy = await _add_allergy(someone)
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES, S.MEASUREMENTS)
    for path, data in (
        ("allergies", {"substance": "Latex"}),
        (f"allergies/{allergy.id}/edit", {"substance": "Latex"}),
        ("measurements", {"kind": "WEIGHT", "value": "70", "measured_on": "01/12/2026",
                          "measured_time": "08:00"}),
    ):
        refused = await _post(pro, url(someone, path), data)
        assert refused.status_code == 403, path
        assert "Vous pouvez lire cette rubrique, pas la modifier" in text_of(refused)
    assert [a.substance for a in await Allergy.filter(patient_id=someone.id)] == ["Arachide"]
    assert "Enregistrer la mesure" not in text_of(await client.get(url(someone, "measurements")))


async def test_a_write_to_a_section_not_shared_is_refused(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES, write=True)
    refused = await _post(pro, url(someone, "history"), {"kind": "CONDITION",
                                                         "condition": "Asthme"})
    assert refused.status_code == 403 and "n’est pas partagé avec vous" in text_of(refused)


async def test_a_read_write_grant_adds_a_measurement(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.MEASUREMENTS, write=True)
    added = await _post(pro, url(someone, "measurements"), {
        "kind": "WEIGHT", "value": "71,5", "measured_on": "01/12/2026",
        "measured_time": "08:30"})
    assert added.status_code == 303
    assert added.headers["location"].startswith(url(someone, "measurements"))
    kind = await client.get(url(someone, "measurements/weight"))
    assert kind.status_code == 200 and "71,5" in text_of(kind)
    assert "Supprimer" not in text_of(kind)


async def test_the_treating_doctor_reads_every_section_and_is_told_so(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await treating(someone, pro.professional)
    overview = await client.get(url(someone))
    assert "médecin traitant" in text_of(overview)
    for section in SECTIONS:
        assert (await client.get(url(someone, section))).status_code == 200, section


async def test_the_overview_links_to_write_and_to_deposit(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    page = await client.get(url(someone))
    assert f'href="/pro/messages/new?patient={someone.id}"' in page.text
    assert f'href="/pro/deposit?patient={someone.id}"' in page.text


async def test_the_record_pages_speak_english(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    client.cookies.set("carnet_lang", "en")
    assert "What the patient lets you do" in text_of(await client.get(url(someone)))
    refused = text_of(await client.get(url(someone, "history")))
    assert "“Medical history” is not shared with you" in refused
    assert "What the patient can do" in refused
    await pro.client.get("/pro")


async def test_a_patient_account_cannot_use_the_workspace_record_pages(client, settings):
    someone = await patient()
    await sign_in(client, await Account.get(id=someone.account_id), settings.secret_key)
    assert (await client.get(url(someone, "allergies"))).status_code == 403


async def test_a_coded_field_suggests_and_picks_in_the_workspace(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.VACCINATIONS, write=True)
    form = await client.get(url(someone, "vaccinations"))
    base = url(someone, "terminology")
    assert f'hx-get="{base}?system=vaccine' in form.text
    options = await client.get(f"{base}?system=vaccine&form=a&q=ror", headers=HTMX)
    assert options.status_code == 200 and f'hx-get="{base}/pick?system=vaccine' in options.text
    picked = await client.get(f"{base}/pick?system=vaccine&form=a&code=MMR", headers=HTMX)
    assert picked.status_code == 200 and "MMR" in picked.text


async def test_an_entry_is_corrected_inline_with_htmx(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    allergy = await _add_allergy(someone)
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES, write=True)
    editing = await client.get(url(someone, f"allergies/{allergy.id}/edit"), headers=HTMX)
    assert editing.status_code == 200 and "<html" not in editing.text
    assert f'hx-post="{url(someone, f"allergies/{allergy.id}/edit")}"' in editing.text
    saved = await _post(pro, url(someone, f"allergies/{allergy.id}/edit"),
                        {"substance": "Arachide grillée"}, HTMX)
    assert saved.status_code == 200 and "Arachide grillée" in saved.text
    assert "Supprimer" not in text_of(saved)


async def test_an_emergency_access_reads_every_section_and_says_until_when(client, settings):
    pro = await signed_pro(client, settings.secret_key, "emergency_physician")
    someone = await patient()
    now = clock.now()
    await EmergencyAccess.create(patient_id=someone.id, professional_id=pro.professional.id,
                                 reason="Malaise, recherche des traitements en cours",
                                 opened_at=now, expires_at=now + timedelta(hours=4))
    overview = text_of(await client.get(url(someone)))
    assert "accès d’urgence" in overview and "sans rien modifier" in overview
    assert (await client.get(url(someone, "treatments"))).status_code == 200
    refused = await _post(pro, url(someone, "treatments"), {"medication": "Paracétamol"})
    assert refused.status_code == 403
