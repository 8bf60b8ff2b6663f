"""The PDF summaries: they open, say whose record and what matters in it, hold the emergency
summary on one page, speak the reader's language, and print only what the reader may read."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from api import clock
from api.consent.sections import Section as S
from api.identity.models import Account, Patient
from api.records.directives import demo as directives_demo
from api.records.entries import demo as entries_demo
from api.records.entries.models import Allergy, HistoryEntry, Severity, Treatment
from api.records.measurements import demo as measurements_demo
from tests.demo.support import demo_people
from tests.factories import make_patient, sign_in
from tests.web.pro.support import grant, signed_pro

PDF = "application/pdf"


def pages(content: bytes) -> list[str]:
    """The text of each page, its spaces folded (narrow no-break ones included)."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


async def _demo(client, settings, name: str) -> Patient:
    """A demo person's filled record, its keeper signed in."""
    patient, keeper = (await demo_people())[name]
    for loader in (entries_demo, measurements_demo, directives_demo):
        await loader.load(patient, keeper)
    await sign_in(client, await Account.get(id=keeper), settings.secret_key)
    return patient


async def _pdf(client, url: str) -> list[str]:
    answer = await client.get(url)
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == PDF
    assert answer.headers["cache-control"] == "private, no-store"
    return pages(answer.content)


async def test_the_emergency_summary_is_one_page_with_allergies_first(client, settings):
    patient = await _demo(client, settings, "Camille")
    [text] = await _pdf(client, f"/records/{patient.id}/emergency.pdf")
    assert "Synthèse d’urgence" in text or "Synthèse d'urgence" in text
    assert "Camille MARTIN" in text
    nir = patient.ins_nir
    assert f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]}" in text  # the INS on the page
    assert "Imprimée le" in text and "1 / 1" in text
    # Allergies come before treatments, the severe one marked in words.
    assert text.index("Allergies") < text.index("Traitements en cours")
    assert "GRAVE Pénicillines" in text
    assert "œdème de Quincke" in text  # a severe allergy's reaction is never cut short
    assert "Salbutamol" in text and "Symbicort" in text
    assert "Azithromycine" not in text  # a past treatment is not current
    assert "Asthm" in text.split("Maladies actuelles", 1)[1]


async def test_the_full_summary_prints_every_section(client, settings):
    patient = await _demo(client, settings, "Jean")
    printed = await _pdf(client, f"/records/{patient.id}/summary.pdf")
    text = " ".join(printed)
    for heading in ("Identité", "Allergies", "Traitements en cours", "Maladies et antécédents",
                    "Vaccinations", "Directives anticipées et personne de confiance",
                    "Dernières mesures"):
        assert heading in text, heading
    assert "DUPONT" in text and "Apixaban" in text and "21 janvier 1958" in text
    assert f"1 / {len(printed)}" in printed[0]  # each page counts the pages
    assert "non partagée" not in text  # the patient reads everything of their own


async def test_the_demo_record_with_the_most_entries_still_fits_on_one_page(client, settings):
    people = await demo_people()
    counts = {}
    for name, (patient, keeper) in people.items():
        for loader in (entries_demo, measurements_demo, directives_demo):
            await loader.load(patient, keeper)
        counts[name] = sum([await model.filter(patient_id=patient.id).count()
                            for model in (Allergy, Treatment, HistoryEntry)])
    fullest = max(counts, key=lambda name: counts[name])
    patient, keeper = people[fullest]
    await sign_in(client, await Account.get(id=keeper), settings.secret_key)
    printed = await _pdf(client, f"/records/{patient.id}/emergency.pdf")
    assert len(printed) == 1, fullest


async def test_a_very_long_record_is_cut_on_one_page_and_says_so(client, settings):
    someone = await make_patient(first_names="Lise", birth_name="LONGUE")
    now = clock.now()
    for number in range(40):
        await Allergy.create(patient_id=someone.id, substance=f"Substance {number:02d}",
                             reaction="urticaire géante " * 12, created_at=now, updated_at=now,
                             severity=Severity.SEVERE if number % 3 == 0 else None)
        await Treatment.create(patient_id=someone.id, medication=f"Médicament {number:02d}",
                               dose="1 comprimé matin et soir " * 5, created_at=now,
                               updated_at=now, start_date=now.date() - timedelta(days=30))
    await sign_in(client, await Account.get(id=someone.account_id), settings.secret_key)
    printed = await _pdf(client, f"/records/{someone.id}/emergency.pdf")
    assert len(printed) == 1
    [text] = printed
    assert "autres (voir la synthèse complète)" in text
    assert "continuent dans la synthèse complète" in text
    full = " ".join(await _pdf(client, f"/records/{someone.id}/summary.pdf"))
    assert "Substance 39" in full and "Médicament 39" in full  # the full one has them all


async def test_the_pdf_speaks_the_readers_language(client, settings):
    patient = await _demo(client, settings, "Camille")
    client.cookies.set("carnet_lang", "en")
    [text] = await _pdf(client, f"/records/{patient.id}/emergency.pdf")
    assert "Emergency summary" in text and "Current treatments" in text
    assert "SEVERE" in text and "Printed on" in text and "October 14, 1995" in text


async def test_the_summary_page_links_to_both_pdfs(client, settings):
    patient = await _demo(client, settings, "Camille")
    page = await client.get(f"/records/{patient.id}/summary")
    assert "Télécharger en PDF" in page.text
    assert f'href="/records/{patient.id}/emergency.pdf"' in page.text
    assert f'href="/records/{patient.id}/summary.pdf"' in page.text


async def test_a_parent_prints_their_childs_record(client, settings):
    child = await _demo(client, settings, "Léo")  # signed in as his mother
    [text] = await _pdf(client, f"/records/{child.id}/emergency.pdf")
    assert "Léo MARTIN" in text and "Acariens" in text


async def test_a_professional_granted_allergies_only_gets_them_and_not_shared(client, settings):
    patient, _keeper = (await demo_people())["Camille"]
    for loader in (entries_demo, measurements_demo, directives_demo):
        await loader.load(patient, _keeper)
    pro = await signed_pro(client, settings.secret_key, "nurse")
    await grant(patient, pro.professional, S.ALLERGIES)
    overview = await client.get(f"/pro/records/{patient.id}")
    assert f'href="/pro/records/{patient.id}/emergency.pdf"' in overview.text
    for kind in ("emergency", "summary"):
        text = " ".join(await _pdf(client, f"/pro/records/{patient.id}/{kind}.pdf"))
        assert "Pénicillines" in text
        assert "Section non partagée avec vous" in text
        assert "Salbutamol" not in text and "Asthm" not in text
        assert "MARTIN" not in text and f"Dossier n° {patient.id}" in text
        assert "Identité non partagée avec vous" in text


@pytest.mark.parametrize("kind", ["emergency", "summary"])
async def test_a_stranger_gets_not_found(client, settings, kind):
    patient, _keeper = (await demo_people())["Camille"]
    stranger = await make_patient(first_names="Xavier")
    await sign_in(client, await Account.get(id=stranger.account_id), settings.secret_key)
    assert (await client.get(f"/records/{patient.id}/{kind}.pdf")).status_code == 404
    await signed_pro(client, settings.secret_key)
    assert (await client.get(f"/pro/records/{patient.id}/{kind}.pdf")).status_code == 404


async def test_without_a_unicode_font_on_the_system_the_summary_still_prints(
        client, settings, monkeypatch):
    """A machine without DejaVu Sans prints with the PDF core font: French letters and the
    French quotes survive, the narrow spaces become spaces, nothing is refused."""
    monkeypatch.setattr("web.paper.sheet.font_files", lambda *folders: None)
    patient = await _demo(client, settings, "Camille")
    [text] = await _pdf(client, f"/records/{patient.id}/emergency.pdf")
    assert "Camille MARTIN" in text and "GRAVE Pénicillines" in text
    assert "Traitements en cours" in text and "Salbutamol" in text
    full = " ".join(await _pdf(client, f"/records/{patient.id}/summary.pdf"))
    assert "Vaccinations" in full and "Camille MARTIN" in full
